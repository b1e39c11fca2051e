package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestTimeoutFromConfig(t *testing.T) {
	got := make(chan map[string]string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]string
		_ = json.NewDecoder(r.Body).Decode(&m)
		time.Sleep(5 * time.Millisecond)
		got <- m
	}))
	defer srv.Close()
	var cfg Config
	if err := json.Unmarshal([]byte(`{"webhook_url": "`+srv.URL+`", "channel": "#ops", "timeout_seconds": 5}`), &cfg); err != nil {
		t.Fatal(err)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.http.Timeout != 5*time.Second {
		t.Fatalf("timeout %v", c.http.Timeout)
	}
	if err := c.Send(context.Background(), "deployed"); err != nil {
		t.Fatal(err)
	}
	if m := <-got; m["text"] != "deployed" || m["channel"] != "#ops" {
		t.Fatalf("got %v", m)
	}
	d, _ := New(Config{WebhookURL: srv.URL})
	if d.http.Timeout != 10*time.Second {
		t.Fatalf("default timeout %v", d.http.Timeout)
	}
	if _, err := New(Config{WebhookURL: srv.URL, TimeoutSeconds: -1}); err == nil {
		t.Fatal("negative timeout accepted")
	}
}
