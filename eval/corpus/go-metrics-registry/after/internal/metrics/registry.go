// Package metrics keeps process-wide counters and renders them for scraping.
package metrics

import (
	"fmt"
	"io"
	"sort"
	"sync"
)

// Registry holds named counters. The zero value is not usable; call NewRegistry.
type Registry struct {
	mu       sync.Mutex
	counters map[string]int64
	labelled map[string]map[string]int64 // name -> label value -> count
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{counters: make(map[string]int64)}
}

// Inc adds delta to the counter name.
func (r *Registry) Inc(name string, delta int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counters[name] += delta
}

// IncLabel adds delta to the counter name for one value of its label, e.g.
// IncLabel("http_requests_total", `status="200"`, 1).
func (r *Registry) IncLabel(name, label string, delta int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	byLabel, ok := r.labelled[name]
	if !ok {
		byLabel = make(map[string]int64)
		r.labelled[name] = byLabel
	}
	byLabel[label] += delta
}

// WriteText writes every counter as "name value" lines, sorted by name.
func (r *Registry) WriteText(w io.Writer) error {
	r.mu.Lock()
	lines := make([]string, 0, len(r.counters))
	for name, value := range r.counters {
		lines = append(lines, fmt.Sprintf("%s %d", name, value))
	}
	for name, byLabel := range r.labelled {
		for label, value := range byLabel {
			lines = append(lines, fmt.Sprintf("%s{%s} %d", name, label, value))
		}
	}
	r.mu.Unlock()
	sort.Strings(lines)
	for _, line := range lines {
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}
