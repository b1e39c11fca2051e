package cache

import (
	"testing"
	"time"
)

func TestEntriesExpire(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	c := New(time.Minute)
	c.now = func() time.Time { return now }
	c.Set(Profile{UserID: "u1", Plan: "pro"})
	if p, ok := c.Get("u1"); !ok || p.Plan != "pro" {
		t.Fatalf("fresh entry: got %+v, %v", p, ok)
	}
	now = now.Add(59 * time.Second)
	if _, ok := c.Get("u1"); !ok {
		t.Fatal("entry gone before its ttl")
	}
	now = now.Add(time.Second)
	if _, ok := c.Get("u1"); ok {
		t.Fatal("expired entry served")
	}
	if n := c.Purge(); n != 1 {
		t.Fatalf("purged %d", n)
	}
	if _, ok := c.Get("nobody"); ok {
		t.Fatal("hit for unknown user")
	}
}
