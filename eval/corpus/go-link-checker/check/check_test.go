package check

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestCheckAllKeepsEveryURLInPlace(t *testing.T) {
	urls := make([]string, 40)
	for i := range urls {
		urls[i] = fmt.Sprintf("https://docs.test/page/%d", i)
	}
	for round := 0; round < 30; round++ {
		var mu sync.Mutex
		seen := map[string]int{}
		fetch := func(ctx context.Context, url string) (int, error) {
			mu.Lock()
			seen[url]++
			mu.Unlock()
			time.Sleep(200 * time.Microsecond)
			return 200, nil
		}
		results := CheckAll(context.Background(), urls, fetch, 4)
		for i, r := range results {
			if r.URL != urls[i] || r.Status != 200 {
				t.Fatalf("round %d: result %d is %+v, want %s", round, i, r, urls[i])
			}
		}
		for _, u := range urls {
			if seen[u] != 1 {
				t.Fatalf("round %d: %s fetched %d times", round, u, seen[u])
			}
		}
	}
	if got := CheckAll(context.Background(), nil, nil, 0); len(got) != 0 {
		t.Fatal("results for no urls")
	}
}
