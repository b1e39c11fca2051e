package send

import (
	"context"
	"fmt"
	"testing"
)

type recorder struct{ batches [][]string }

func (r *recorder) SendBulk(ctx context.Context, subject, html string, to []string) error {
	r.batches = append(r.batches, append([]string(nil), to...))
	return nil
}

func TestEveryoneGetsTheIssue(t *testing.T) {
	for _, n := range []int{0, 1, 499, 500, 501, 1234} {
		subs := make([]string, n)
		for i := range subs {
			subs[i] = fmt.Sprintf("User%d@Example.org", i)
		}
		r := &recorder{}
		sent, err := Deliver(context.Background(), r, Issue{Subject: "May"}, append(subs, ""))
		if err != nil || sent != n {
			t.Fatalf("n=%d: sent %d, err %v", n, sent, err)
		}
		total := 0
		for _, b := range r.batches {
			if len(b) == 0 || len(b) > BatchSize {
				t.Fatalf("n=%d: batch of %d", n, len(b))
			}
			total += len(b)
		}
		if total != n {
			t.Fatalf("n=%d: %d recipients passed to the provider", n, total)
		}
	}
}
