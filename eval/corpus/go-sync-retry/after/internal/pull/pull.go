// Package pull copies remote changes into the local store.
package pull

import (
	"context"
	"fmt"
	"time"

	"github.com/acme/syncd/internal/retry"
)

var listPolicy = retry.Policy{Attempts: 5, Base: 500 * time.Millisecond, Max: 10 * time.Second}

// Change is one remote modification.
type Change struct {
	Path    string
	Version int64
	Data    []byte
}

// Remote lists changes after a version.
type Remote interface {
	ChangesSince(ctx context.Context, version int64) ([]Change, error)
}

// Store applies changes locally.
type Store interface {
	Apply(ctx context.Context, c Change) error
	Version() int64
}

// Once pulls and applies the pending changes, retrying a failed listing.
func Once(ctx context.Context, remote Remote, store Store) (int, error) {
	var changes []Change
	err := retry.Do(ctx, listPolicy, func(ctx context.Context) error {
		var err error
		changes, err = remote.ChangesSince(ctx, store.Version())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("list changes: %w", err)
	}
	for i, c := range changes {
		if err := store.Apply(ctx, c); err != nil {
			return i, fmt.Errorf("apply %s@%d: %w", c.Path, c.Version, err)
		}
	}
	return len(changes), nil
}
