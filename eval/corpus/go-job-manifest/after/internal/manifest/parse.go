// Package manifest reads the runner's job list: one "name every command..."
// entry per line, e.g. "rotate-logs 1h logrotate /etc/logrotate.conf".
package manifest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Job is one scheduled command.
type Job struct {
	Name    string
	Every   time.Duration
	Command []string
}

func parseEntry(text string) (Job, error) {
	fields := strings.Fields(text)
	if len(fields) < 3 {
		return Job{}, errors.New("want: name interval command")
	}
	every, err := time.ParseDuration(fields[1])
	if err != nil {
		return Job{}, fmt.Errorf("interval: %w", err)
	}
	if every < time.Minute {
		return Job{}, fmt.Errorf("interval %s is shorter than a minute", every)
	}
	return Job{Name: fields[0], Every: every, Command: fields[2:]}, nil
}

// Parse reads a manifest; blank lines and lines starting with # are skipped.
// It fails on the first invalid line or on a job name used twice.
func Parse(r io.Reader) ([]Job, error) {
	var jobs []Job
	var err error
	names := make(map[string]int)
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		job, err := parseEntry(text)
		if err == nil && names[job.Name] != 0 {
			err = fmt.Errorf("job %q already defined on line %d", job.Name, names[job.Name])
		}
		if err != nil {
			err = fmt.Errorf("line %d: %w", line, err)
			break
		}
		names[job.Name] = line
		jobs = append(jobs, job)
	}
	if err != nil {
		return nil, err
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return jobs, nil
}
