package text

import "testing"

func TestCheckTruncateContract(t *testing.T) {
	if got := Truncate("one two three four", 10); got != "one two…" {
		t.Fatalf("got %q", got)
	}
	if got := Truncate("日本語のタイトル", 4); got != "日本語…" {
		t.Fatalf("got %q", got)
	}
}
