package metrics

import (
	"strings"
	"testing"
)

func TestLabelledCounters(t *testing.T) {
	r := NewRegistry()
	r.Inc("uptime_checks_total", 2)
	r.IncLabel("http_requests_total", `status="200"`, 1)
	r.IncLabel("http_requests_total", `status="200"`, 2)
	r.IncLabel("http_requests_total", `status="500"`, 1)
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := "http_requests_total{status=\"200\"} 3\nhttp_requests_total{status=\"500\"} 1\nuptime_checks_total 2\n"
	if b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
}
