// Package cache holds user profiles in memory in front of the profile service.
package cache

import (
	"sync"
	"time"
)

// Profile is the part of a user profile the API needs on every request.
type Profile struct {
	UserID      string
	DisplayName string
	Plan        string
}

type entry struct {
	profile Profile
	expires time.Time
}

// Cache is safe for concurrent use. Entries expire ttl after they were set.
type Cache struct {
	mu      sync.RWMutex
	entries map[string]entry
	ttl     time.Duration
	now     func() time.Time
}

// New returns an empty cache whose entries live for ttl.
func New(ttl time.Duration) *Cache {
	return &Cache{entries: make(map[string]entry), ttl: ttl, now: time.Now}
}

// Get returns the cached profile for userID, if any and not expired.
func (c *Cache) Get(userID string) (Profile, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[userID]
	if !ok || !c.now().Before(e.expires) {
		return Profile{}, false
	}
	return e.profile, true
}

// Set stores a profile.
func (c *Cache) Set(p Profile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[p.UserID] = entry{profile: p, expires: c.now().Add(c.ttl)}
}

// Purge removes expired entries and returns how many it removed.
func (c *Cache) Purge() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	removed := 0
	for id, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, id)
			removed++
		}
	}
	return removed
}

// Invalidate drops the cached profile for userID.
func (c *Cache) Invalidate(userID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, userID)
}
