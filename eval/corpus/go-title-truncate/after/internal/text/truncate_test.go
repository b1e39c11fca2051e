package text

import (
	"testing"
	"unicode/utf8"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"Short title", 20, "Short title"},
		{"  padded  ", 6, "padded"},
		{"Release notes for version two", 16, "Release notes…"},
		{"Supercalifragilistic", 8, "Superca…"},
		{"Grüße aus Köln am Rhein", 12, "Grüße aus…"},
		{"anything", 1, "…"},
		{"anything", 0, ""},
		{"", 5, ""},
	}
	for _, tc := range tests {
		got := Truncate(tc.in, tc.max)
		if got != tc.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
		if tc.max > 0 && utf8.RuneCountInString(got) > tc.max {
			t.Errorf("Truncate(%q, %d) is %d runes long", tc.in, tc.max, utf8.RuneCountInString(got))
		}
	}
}

func TestCollapse(t *testing.T) {
	if got := Collapse(" a \t b\n\nc "); got != "a b c" {
		t.Errorf("Collapse = %q", got)
	}
}
