// Package version compares the release versions the updater sees ("1.4.2", "v1.10.0").
package version

import (
	"fmt"
	"strconv"
	"strings"
)

// Parse splits a version into its numeric parts.
func Parse(v string) ([]int, error) {
	fields := strings.Split(strings.TrimPrefix(v, "v"), ".")
	nums := make([]int, len(fields))
	for i, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil || strings.Trim(f, "0123456789") != "" {
			return nil, fmt.Errorf("version %q: part %q is not a number", v, f)
		}
		nums[i] = n
	}
	return nums, nil
}

func at(p []int, i int) int {
	if i < len(p) {
		return p[i]
	}
	return 0
}

// Compare returns -1, 0 or 1 as a is older than, the same as or newer than b.
// A missing part counts as 0, so "1.2" equals "1.2.0".
func Compare(a, b string) (int, error) {
	pa, err := Parse(a)
	if err != nil {
		return 0, err
	}
	pb, err := Parse(b)
	if err != nil {
		return 0, err
	}
	for i := 0; i < len(pa) || i < len(pb); i++ {
		x, y := at(pa, i), at(pb, i)
		switch {
		case x < y:
			return -1, nil
		case x > y:
			return 1, nil
		}
	}
	return 0, nil
}

// Newest returns the newest of versions, or "" when there are none.
func Newest(versions []string) (string, error) {
	newest := ""
	for _, v := range versions {
		if newest == "" {
			newest = v
		}
		c, err := Compare(v, newest)
		if err != nil {
			return "", err
		}
		if c > 0 {
			newest = v
		}
	}
	return newest, nil
}
