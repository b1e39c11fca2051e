package retry

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	p := Policy{Attempts: 4, Base: 10 * time.Millisecond, Max: 35 * time.Millisecond}
	want := []time.Duration{10, 20, 35, 35}
	for i, w := range want {
		if got := p.Delay(i + 1); got != w*time.Millisecond {
			t.Fatalf("Delay(%d) = %v", i+1, got)
		}
	}
	if got := (Policy{Base: time.Hour}).Delay(200); got < math.MaxInt64/2 {
		t.Fatalf("uncapped delay overflowed: %v", got)
	}
	calls := 0
	start := time.Now()
	err := Do(context.Background(), Policy{Attempts: 3, Base: 5 * time.Millisecond}, func(context.Context) error {
		calls++
		if calls < 3 {
			return errors.New("flaky")
		}
		return nil
	})
	if err != nil || calls != 3 || time.Since(start) < 15*time.Millisecond {
		t.Fatalf("err %v, calls %d, %v", err, calls, time.Since(start))
	}
	boom := errors.New("boom")
	calls = 0
	if err := Do(context.Background(), Policy{Attempts: 5}, func(context.Context) error { calls++; return Permanent(boom) }); err != boom || calls != 1 {
		t.Fatalf("permanent: %v after %d calls", err, calls)
	}
	calls = 0
	if err := Do(context.Background(), Policy{Attempts: 2}, func(context.Context) error { calls++; return boom }); err != boom || calls != 2 {
		t.Fatalf("exhausted: %v after %d calls", err, calls)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start = time.Now()
	err = Do(ctx, Policy{Attempts: 10, Base: time.Hour}, func(context.Context) error { return boom })
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Fatalf("cancel: %v after %v", err, time.Since(start))
	}
}
