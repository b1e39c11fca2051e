package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestExportNeedsPermission(t *testing.T) {
	users := map[string]*User{
		"clerk": {ID: "1", AccountID: "acme", Permissions: map[string]bool{"invoices:read": true}},
		"admin": {ID: "2", AccountID: "acme", Permissions: map[string]bool{"invoices:export": true}},
	}
	h := ExportInvoices(Deps{
		Authenticate: func(r *http.Request) (*User, bool) {
			u, ok := users[r.Header.Get("X-User")]
			return u, ok
		},
		Invoices: func(string) ([]Invoice, error) {
			return []Invoice{{Number: "INV-9", Customer: "Globex", TotalCents: 120000}}, nil
		},
	})
	for who, want := range map[string]int{"": 401, "clerk": 403, "admin": 200} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/invoices/export", nil)
		req.Header.Set("X-User", who)
		h(rec, req)
		if rec.Code != want {
			t.Fatalf("%q: status %d, want %d", who, rec.Code, want)
		}
		leaked := strings.Contains(rec.Body.String(), "INV-9")
		if leaked != (want == 200) {
			t.Fatalf("%q: body %q", who, rec.Body.String())
		}
	}
}
