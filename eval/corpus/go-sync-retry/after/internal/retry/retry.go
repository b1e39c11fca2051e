// Package retry re-runs operations that fail for transient reasons.
package retry

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as not worth retrying.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// Policy says how many times to try and how long to wait in between: Base
// after the first failure, doubling each time, never more than Max (0: no cap).
type Policy struct {
	Attempts int
	Base     time.Duration
	Max      time.Duration
}

// Delay is the wait after the given number of failures (1, 2, ...).
func (p Policy) Delay(failures int) time.Duration {
	if p.Base <= 0 {
		return 0
	}
	d := p.Base
	for i := 1; i < failures && d < math.MaxInt64/2; i++ {
		d *= 2
	}
	if p.Max > 0 && d > p.Max {
		return p.Max
	}
	return d
}

// Do calls fn until it succeeds, returns a Permanent error, or has been
// called policy.Attempts times; it returns the last error. Waiting between
// calls stops early when ctx is done.
func Do(ctx context.Context, policy Policy, fn func(context.Context) error) error {
	attempts := policy.Attempts
	if attempts < 1 {
		attempts = 1
	}
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			timer := time.NewTimer(policy.Delay(i))
			select {
			case <-ctx.Done():
				timer.Stop()
				return fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
			case <-timer.C:
			}
		}
		if err = fn(ctx); err == nil {
			return nil
		}
		var p permanent
		if errors.As(err, &p) {
			return p.err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return err
}
