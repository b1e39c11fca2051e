module github.com/acme/runner

go 1.19
