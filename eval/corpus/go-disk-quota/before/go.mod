module github.com/acme/quotad

go 1.19
