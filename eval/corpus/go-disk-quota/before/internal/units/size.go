// Package units parses and prints the byte sizes used in quota settings.
package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseSize reads sizes like "512", "10KB", "1.5" (rejected), "4GiB".
// KB, MB and GB are powers of 1000; KiB, MiB and GiB powers of 1024.
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	upper := strings.ToUpper(s)
	var mult int64 = 1
	num := s
	switch {
	case strings.HasSuffix(upper, "KIB"):
		mult, num = 1<<10, s[:len(s)-3]
	case strings.HasSuffix(upper, "MIB"):
		mult, num = 1<<20, s[:len(s)-3]
	case strings.HasSuffix(upper, "GIB"):
		mult, num = 1<<30, s[:len(s)-3]
	case strings.HasSuffix(upper, "KB"):
		mult, num = 1000, s[:len(s)-2]
	case strings.HasSuffix(upper, "MB"):
		mult, num = 1000*1000, s[:len(s)-2]
	case strings.HasSuffix(upper, "GB"):
		mult, num = 1000*1000*1000, s[:len(s)-2]
	case strings.HasSuffix(upper, "B"):
		mult, num = 1, s[:len(s)-1]
	}
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	if n > math.MaxInt64/mult {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return n * mult, nil
}

// FormatSize prints n with the largest binary unit that divides it exactly.
func FormatSize(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n != 0 && n%u.size == 0 {
			return fmt.Sprintf("%d%s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%dB", n)
}
