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

// Deliver sends the issue to every subscriber.
func Deliver(ctx context.Context, p Provider, issue Issue, subscribers []string) error {
	to := normalize(subscribers)
	if len(to) == 0 {
		return nil
	}
	if err := p.SendBulk(ctx, issue.Subject, issue.HTML, to); err != nil {
		return fmt.Errorf("send %q: %w", issue.Subject, err)
	}
	return nil
}
