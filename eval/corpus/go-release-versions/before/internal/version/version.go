// Package version compares the release versions the updater sees ("1.4.2", "v1.10.0").
package version

import (
	"strings"
)

func parts(v string) []string {
	return strings.Split(strings.TrimPrefix(v, "v"), ".")
}

func at(p []string, i int) string {
	if i < len(p) {
		return p[i]
	}
	return "0"
}

// Compare returns -1, 0 or 1 as a is older than, the same as or newer than b.
// A missing part counts as 0, so "1.2" equals "1.2.0".
func Compare(a, b string) int {
	pa, pb := parts(a), parts(b)
	for i := 0; i < len(pa) || i < len(pb); i++ {
		x, y := at(pa, i), at(pb, i)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
	}
	return 0
}

// Newest returns the newest of versions, or "" when there are none.
func Newest(versions []string) string {
	newest := ""
	for _, v := range versions {
		if newest == "" || Compare(v, newest) > 0 {
			newest = v
		}
	}
	return newest
}
