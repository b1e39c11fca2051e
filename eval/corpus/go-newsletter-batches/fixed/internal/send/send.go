// Package send delivers a newsletter issue to its subscribers.
package send

import (
	"context"
	"fmt"
	"strings"
)

// Provider is the e-mail API.
type Provider interface {
	SendBulk(ctx context.Context, subject, html string, to []string) error
}

// Issue is one newsletter to send.
type Issue struct {
	Subject string
	HTML    string
}

// normalize lower-cases addresses and drops empty and duplicate ones.
func normalize(addresses []string) []string {
	seen := make(map[string]bool, len(addresses))
	out := make([]string, 0, len(addresses))
	for _, a := range addresses {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == "" || seen[a] {
			continue
		}
		seen[a] = true
		out = append(out, a)
	}
	return out
}

// BatchSize is the most recipients the provider accepts in one call.
const BatchSize = 500

// Deliver sends the issue to every subscriber, BatchSize recipients per call.
// It stops at the first failed batch and reports how many were sent before it.
func Deliver(ctx context.Context, p Provider, issue Issue, subscribers []string) (int, error) {
	to := normalize(subscribers)
	sent := 0
	for start := 0; start < len(to); start += BatchSize {
		end := start + BatchSize
		if end > len(to) {
			end = len(to)
		}
		batch := to[start:end]
		if err := p.SendBulk(ctx, issue.Subject, issue.HTML, batch); err != nil {
			return sent, fmt.Errorf("send %q (batch %d): %w", issue.Subject, start/BatchSize+1, err)
		}
		sent += len(batch)
	}
	return sent, nil
}
