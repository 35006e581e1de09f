# ggufmerge — see README.md. `make run` and `make test` are the two entry points.
GO      ?= go
BIN     := bin/ggufmerge
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: build run test vet
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/ggufmerge

run: build
	./$(BIN) --help

vet:
	$(GO) vet ./...

test: vet
	$(GO) test ./...
