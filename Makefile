# ggufmerge — see README.md. `make run` and `make test` are the two entry points.
GO        ?= go
BIN       := bin/ggufmerge
VERSION   := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)
SHARED    ?= $(abspath ../shared)
REF_HOME  ?= $(HOME)/.cache/ggufmerge-ref
QEMU      ?= $(shell command -v qemu-aarch64-static 2>/dev/null)
FUZZTIME  ?= 15s
# packages whose kernels must agree across implementations and architectures
KERNEL_PKGS := ./simd ./quant ./merge
# tests find the reference tools (llref, ggml_qref, gguf-py) through these when installed
export PATH      := $(REF_HOME)/bin:$(PATH)
export PYTHONPATH := $(REF_HOME)/llama.cpp-src/gguf-py
export GGUFMERGE_SHARED := $(SHARED)
# the real llama.cpp (prebuilt, from npm) that the end-to-end tests drive
LLAMA_HOME ?= $(HOME)/.cache/ggufmerge/llama
export GGUFMERGE_LLAMA_HOME := $(LLAMA_HOME)
LLAMA_LIB  := $(LLAMA_HOME)/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/libllama.v0.5.0.so

.PHONY: build run test vet unit test-purego test-noavx2 test-arm64 cross fuzz ref llama bench clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/ggufmerge

# Merge the bundled example models (testdata/) with the example DELLA config, then inspect the result.
run: build
	@mkdir -p out
	./$(BIN) merge examples/della.yml -o out/merged.gguf
	./$(BIN) inspect out/merged.gguf

vet:
	$(GO) vet ./...
	GOARCH=arm64 $(GO) vet $(KERNEL_PKGS)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

# The whole suite: unit tests (golden data and the real llama.cpp when present),
# the portable and non-AVX2 paths, arm64 under qemu, cross-builds and short fuzzing.
test: vet ref llama unit test-purego test-noavx2 test-arm64 cross fuzz
	@echo "make test: all steps passed"

# With the llama.cpp libraries installed, the end-to-end tests must run (not skip).
unit:
	GGUFMERGE_LLAMA_REQUIRED=$$([ -f $(LLAMA_LIB) ] && echo 1) $(GO) test -count=1 -timeout 30m ./...

# Installs the pinned prebuilt llama.cpp (npm @node-llama-cpp/linux-x64@3.22.1); exit 3 = skipped (no npm).
llama:
	@bash internal/llamacpp/install.sh $(LLAMA_HOME); rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 3 ] || exit $$rc

test-purego:
	$(GO) test -count=1 -short -tags purego $(KERNEL_PKGS)

test-noavx2:
	GODEBUG=cpu.avx2=off,cpu.fma=off $(GO) test -count=1 -short $(KERNEL_PKGS)

test-arm64:
ifeq ($(QEMU),)
	@echo "test-arm64: SKIPPED (qemu-aarch64-static not installed; apt-get install qemu-user-static)"
else
	@set -e; for p in $$($(GO) list $(KERNEL_PKGS)); do \
		d=$$($(GO) list -f '{{.Dir}}' $$p); \
		GOARCH=arm64 CGO_ENABLED=0 $(GO) test -c -o /tmp/ggufmerge-arm64.test $$p; \
		[ -f /tmp/ggufmerge-arm64.test ] || continue; \
		echo "== arm64 (qemu) $$p"; \
		(cd $$d && $(QEMU) /tmp/ggufmerge-arm64.test -test.count=1 -test.short) ; \
		rm -f /tmp/ggufmerge-arm64.test; \
	done
endif

cross:
	GOOS=darwin  GOARCH=arm64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/ggufmerge
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/ggufmerge
	GOOS=linux   GOARCH=arm64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/ggufmerge
	CGO_ENABLED=0 $(GO) build -tags purego -o /dev/null ./cmd/ggufmerge

fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) bash .ci/fuzz.sh

# The reference llama.cpp/ggml toolkit from ../shared (tests that use it skip without it).
ref:
	@if [ -x "$(SHARED)/tools/ref/setup.sh" ] || [ -f "$(SHARED)/tools/ref/setup.sh" ]; then \
		REF_HOME=$(REF_HOME) bash $(SHARED)/tools/ref/setup.sh >/tmp/ggufmerge-ref-setup.log 2>&1 \
		  && echo "ref: reference llama.cpp toolkit ready in $(REF_HOME)" \
		  || { echo "ref: setup failed (see /tmp/ggufmerge-ref-setup.log); reference tests will skip"; tail -5 /tmp/ggufmerge-ref-setup.log; }; \
	else echo "ref: $(SHARED) not found; reference tests will skip"; fi

# Kernel/method/quantizer benchmarks, the K-quants against the real ggml (same process, same bytes, one
# thread), then the end-to-end merge benchmark (DELLA of base + 3 Q4_K_M experts vs requantizing one alone,
# vs llama.cpp's quantize, and vs mergekit's algorithm in PyTorch when /usr/bin/python3 has torch).
bench:
	$(GO) test -run='^$$' -bench=. -benchtime=1x ./...
	$(GO) run ./internal/cmd/quantbench
	$(GO) run ./internal/cmd/mergebench $$(/usr/bin/python3 -c 'import torch' 2>/dev/null && echo -torch /usr/bin/python3)

clean:
	rm -rf bin out
