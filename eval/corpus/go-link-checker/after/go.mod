module github.com/acme/linkcheck

go 1.19
