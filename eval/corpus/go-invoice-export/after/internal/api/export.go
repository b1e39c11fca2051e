// Package api holds the billing service's HTTP handlers.
package api

import (
	"encoding/csv"
	"net/http"
	"strconv"
)

// User is the authenticated caller.
type User struct {
	ID          string
	AccountID   string
	Permissions map[string]bool
}

// Invoice is one row of the export.
type Invoice struct {
	Number     string
	Customer   string
	TotalCents int64
}

// Deps are the handler's collaborators.
type Deps struct {
	Authenticate func(r *http.Request) (*User, bool)
	Invoices     func(accountID string) ([]Invoice, error)
}

// ExportInvoices streams the account's invoices as CSV.
func ExportInvoices(d Deps) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		user, ok := d.Authenticate(r)
		if !ok {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if !user.Permissions["invoices:export"] {
			http.Error(w, "missing permission invoices:export", http.StatusForbidden)
		}
		invoices, err := d.Invoices(user.AccountID)
		if err != nil {
			http.Error(w, "could not load invoices", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Disposition", `attachment; filename="invoices.csv"`)
		out := csv.NewWriter(w)
		_ = out.Write([]string{"number", "customer", "total"})
		for _, inv := range invoices {
			_ = out.Write([]string{inv.Number, inv.Customer, strconv.FormatInt(inv.TotalCents, 10)})
		}
		out.Flush()
	}
}
