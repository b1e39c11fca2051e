package manifest

import (
	"strings"
	"testing"
	"time"
)

func TestParseCommentsAndErrors(t *testing.T) {
	jobs, err := Parse(strings.NewReader("# nightly\n\nrotate 1h logrotate /etc/l.conf\n  backup 24h  pg_dump db\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 || jobs[1].Name != "backup" || jobs[1].Every != 24*time.Hour || len(jobs[1].Command) != 2 {
		t.Fatalf("got %+v", jobs)
	}
	for _, bad := range []string{
		"rotate 1h a\nbroken\nbackup 2h b\n",
		"rotate 1h a\nfast 5s b\n",
		"rotate 1h a\nrotate 2h b\n",
	} {
		jobs, err := Parse(strings.NewReader(bad))
		if err == nil {
			t.Fatalf("%q: no error, got jobs %+v", bad, jobs)
		}
		if !strings.HasPrefix(err.Error(), "line 2: ") {
			t.Fatalf("%q: error %q does not name line 2", bad, err)
		}
	}
}
