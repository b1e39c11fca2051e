module github.com/acme/updater

go 1.19
