package version

import "testing"

func TestNumericOrder(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"1.10.0", "1.9.3", 1}, {"v2.0", "1.99.99", 1}, {"1.2", "1.2.0", 0},
		{"0.9", "0.10", -1}, {"1.0.10", "1.0.9", 1}, {"v1.4.2", "1.4.2", 0},
	} {
		got, err := Compare(tc.a, tc.b)
		if err != nil || got != tc.want {
			t.Fatalf("Compare(%q, %q) = %d, %v; want %d", tc.a, tc.b, got, err, tc.want)
		}
	}
	n, err := Newest([]string{"1.9.0", "1.10.1", "1.10.0"})
	if err != nil || n != "1.10.1" {
		t.Fatalf("Newest = %q, %v", n, err)
	}
	if n, err := Newest(nil); err != nil || n != "" {
		t.Fatalf("Newest(nil) = %q, %v", n, err)
	}
	for _, bad := range []string{"1.x", "1..2", "", "+1.2", "1.2-rc1", "99999999999999999999"} {
		if _, err := Compare(bad, "1.0"); err == nil {
			t.Fatalf("%q accepted", bad)
		}
		if _, err := Newest([]string{bad}); err == nil {
			t.Fatalf("Newest accepted %q", bad)
		}
	}
}
