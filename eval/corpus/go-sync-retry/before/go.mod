module github.com/acme/syncd

go 1.19
