package units

import "testing"

func TestParseSizeUnchanged(t *testing.T) {
	good := map[string]int64{
		"0": 0, "512": 512, "512B": 512, " 10 KB ": 10000, "10kb": 10000, "3MB": 3000000,
		"2GB": 2000000000, "1KiB": 1024, "4gib": 4 << 30, "7MiB": 7 << 20, "8 b": 8,
		"9223372036854775807": 9223372036854775807, "8589934591GiB": 8589934591 << 30,
	}
	for in, want := range good {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Fatalf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "B", "1.5", "-3KB", "KB", "10TB", "8589934592GiB", "12 iB", "abc"} {
		if got, err := ParseSize(in); err == nil {
			t.Fatalf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
	if FormatSize(3<<20) != "3MiB" || FormatSize(1000) != "1000B" || FormatSize(0) != "0B" {
		t.Fatal("FormatSize")
	}
}
