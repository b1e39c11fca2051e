package metrics

import (
	"net/http"
	"strconv"
	"time"
)

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Middleware counts requests by status code, server errors and total latency.
func Middleware(r *Registry, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, req)
		r.IncLabel("http_requests_total", `code="`+strconv.Itoa(rec.status)+`"`, 1)
		if rec.status >= 500 {
			r.Inc("http_errors_total", 1)
		}
		r.Inc("http_request_duration_ms_total", time.Since(start).Milliseconds())
	})
}
