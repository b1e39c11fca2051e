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
}

// Cache is safe for concurrent use.
type Cache struct {
	mu      sync.RWMutex
	entries map[string]entry
}

// New returns an empty cache.
func New() *Cache {
	return &Cache{entries: make(map[string]entry)}
}

// Get returns the cached profile for userID, if any.
func (c *Cache) Get(userID string) (Profile, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[userID]
	if !ok {
		return Profile{}, false
	}
	return e.profile, true
}

// Set stores a profile.
func (c *Cache) Set(p Profile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[p.UserID] = entry{profile: p}
}

// Invalidate drops the cached profile for userID.
func (c *Cache) Invalidate(userID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, userID)
}
