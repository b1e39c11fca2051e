// Package check verifies that the links found in the docs still resolve.
package check

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// Result is the outcome of checking one URL.
type Result struct {
	URL    string
	Status int
	Err    error
}

// OK reports whether the link resolved to a 2xx or 3xx answer.
func (r Result) OK() bool {
	return r.Err == nil && r.Status >= 200 && r.Status < 400
}

// Fetcher returns the HTTP status for a URL.
type Fetcher func(ctx context.Context, url string) (int, error)

// CheckAll checks every URL, at most workers at a time, and returns the
// results in the order of urls.
func CheckAll(ctx context.Context, urls []string, fetch Fetcher, workers int) []Result {
	if workers < 1 {
		workers = 1
	}
	results := make([]Result, len(urls))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, u string) {
			defer wg.Done()
			defer func() { <-sem }()
			status, err := fetch(ctx, u)
			results[i] = Result{URL: u, Status: status, Err: err}
		}(i, u)
	}
	wg.Wait()
	return results
}

// Broken lists the failing results as "url: reason", sorted.
func Broken(results []Result) []string {
	var out []string
	for _, r := range results {
		if r.OK() {
			continue
		}
		if r.Err != nil {
			out = append(out, fmt.Sprintf("%s: %v", r.URL, r.Err))
		} else {
			out = append(out, fmt.Sprintf("%s: HTTP %d", r.URL, r.Status))
		}
	}
	sort.Strings(out)
	return out
}
