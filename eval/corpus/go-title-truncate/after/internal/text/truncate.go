// Package text shortens feed item titles for the notification preview.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

const ellipsis = "…"

// Truncate shortens s to at most max runes, ellipsis included, cutting at the
// last space when there is one in the second half of the kept text.
func Truncate(s string, max int) string {
	s = strings.TrimSpace(s)
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	if max == 1 {
		return ellipsis
	}
	runes := []rune(s)
	kept := runes[:max-1]
	for i := len(kept) - 1; i >= len(kept)/2; i-- {
		if unicode.IsSpace(kept[i]) {
			kept = kept[:i]
			break
		}
	}
	return strings.TrimRightFunc(string(kept), unicode.IsSpace) + ellipsis
}

// Collapse replaces every run of white space with one space.
func Collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
