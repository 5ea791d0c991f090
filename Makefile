# fabnode — see README.md. `make run` serves a generated model on
# 127.0.0.1:8080; `make test` runs every test. Nothing is downloaded
# but Go modules (and, for plugin tests, Debian's wabt when missing).

GO      ?= go
BIN     := bin/fabnode
DEVCHAIN := bin/fabnode-devchain
MODEL   := models/fabnode-small.gguf
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

# llama.cpp is compiled by cgo. Tuning it for the build machine is worth
# ~2.6x on CPU (BENCHMARKS.md). AMX is left out because ollama's cgo
# build does not compile ggml's AMX kernels, whose symbols -march=native
# would otherwise require. PORTABLE=1 builds for any x86-64.
ifeq ($(PORTABLE),1)
CPU_FLAGS :=
else
CPU_FLAGS := -march=native -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
endif
# Functions and loops start on 64-byte boundaries. Without it, where the
# linker happens to place ggml's matrix kernels decides a prompt's decode
# time: builds of commits that never touched the engine differed by 20%
# in time to first token (BENCHMARKS.md, "Code alignment").
ALIGN_FLAGS := -falign-functions=64 -falign-loops=64
export CGO_CFLAGS   := -O2 $(CPU_FLAGS) $(ALIGN_FLAGS)
export CGO_CXXFLAGS := -O2 $(CPU_FLAGS) $(ALIGN_FLAGS)
LDFLAGS := -X github.com/fabnode/fabnode/host/node.Version=$(VERSION)

PLUGINS := format safety cache pricing proof
PLUGIN_WASM := $(PLUGINS:%=build/plugins/%.wasm)

.PHONY: all build plugins run test bench cuda models clean vet

all: build plugins

# fabnode-devchain is the development chain `make run` serves on
# (config.hcl: chain.dev): a binary of its own, so that the node never
# links go-ethereum's simulated backend.
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./host/cmd/fabnode
	$(GO) build -o $(DEVCHAIN) ./host/cmd/fabnode-devchain

$(MODEL): | build
	$(BIN) model gen --preset small --out $@

models: $(MODEL)

# The built-in policy plugins, as the node loads them (config.hcl).
plugins: $(PLUGIN_WASM)

build/plugins/%.wasm: FORCE
	@mkdir -p build/plugins
	GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 $(GO) build -buildmode=c-shared -trimpath -o $@ ./plugins/$*

.PHONY: FORCE
FORCE:

run: build plugins $(MODEL)
	$(BIN) serve --config config.hcl

# Solidity contracts (host/chain/contracts): the npm packages pinned there
# (solc, OpenZeppelin, ethers) are installed only when missing or stale;
# the contract tests need them. `make contracts` recompiles build/ and
# regenerates the Go bindings (TestArtifactsUpToDate fails when stale).
CONTRACTS_DIR := host/chain/contracts
CONTRACTS_NPM := $(CONTRACTS_DIR)/node_modules/.package-lock.json

.PHONY: contracts contracts-deps
contracts-deps: $(CONTRACTS_NPM)

$(CONTRACTS_NPM): $(CONTRACTS_DIR)/package.json $(CONTRACTS_DIR)/package-lock.json
	cd $(CONTRACTS_DIR) && npm ci --no-audit --no-fund

contracts: contracts-deps
	$(CONTRACTS_DIR)/generate.sh

# The JavaScript client example (ethers, openai; pinned in its
# package-lock.json), which a test of host/cmd/fabnode runs.
CLIENTJS_DIR := examples/client-js
CLIENTJS_NPM := $(CLIENTJS_DIR)/node_modules/.package-lock.json

.PHONY: clientjs-deps
clientjs-deps: $(CLIENTJS_NPM)

$(CLIENTJS_NPM): $(CLIENTJS_DIR)/package.json $(CLIENTJS_DIR)/package-lock.json
	cd $(CLIENTJS_DIR) && npm ci --no-audit --no-fund

# make run against a real geth --dev instead of the in-process chain:
# geth is built from the module proxy (about 4 minutes cold) into
# build/devnet; `make devnet-test` runs the paid end-to-end tests (the Go
# CLI and the JS client) against it.
GETH_VERSION := v1.17.10
GETH := build/devnet/bin/geth

$(GETH):
	GOBIN=$(abspath build/devnet/bin) $(GO) install github.com/ethereum/go-ethereum/cmd/geth@$(GETH_VERSION)

.PHONY: devnet devnet-test
devnet: build plugins $(MODEL) $(GETH)
	GETH=$(GETH) BIN=$(BIN) ./scripts/devnet.sh run

devnet-test: build plugins clientjs-deps $(GETH)
	GETH=$(GETH) BIN=$(BIN) ./scripts/devnet.sh test

vet:
	$(GO) vet ./...

# Packages that do not link llama.cpp run under the race detector; the
# rest run without it (a -race build of the cgo engine takes minutes and
# cannot see into C++). Evaluated only when a target needs it.
PKGS_RACE  = $(shell $(GO) list -f '{{.ImportPath}}{{range .Deps}} {{.}}{{end}}' ./... | grep -v ' github.com/ollama/ollama/llama' | cut -d' ' -f1)
PKGS_LLAMA = $(filter-out $(PKGS_RACE),$(shell $(GO) list ./...))

test: build plugins contracts-deps clientjs-deps test-deps
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m -race -skip 'InNetns' $(PKGS_RACE)
	# mDNS and NAT traversal in network namespaces, with what ran and what was skipped
	GO=$(GO) ./scripts/netns-test.sh
	$(GO) test -count=1 -timeout 20m $(PKGS_LLAMA)
	# the hostile-plugin suite again with GOMAXPROCS=1 and 2 (host/node's runs both itself)
	$(GO) test -count=1 -cpu 1,2 -run 'Hostile|Stops|OtherGoroutines' ./host/plugin/...
	$(MAKE) --no-print-directory fuzz-short
	# every benchmark once (about 40 s), so that none rots between `make bench` runs
	@mkdir -p build; $(GO) test -count=1 -run '^$$' -bench . -benchtime 1x ./... >build/bench-once.log 2>&1 && \
	  echo "every benchmark ran once: build/bench-once.log" || { grep -E -B2 -A8 '^(FAIL|--- FAIL|panic)' build/bench-once.log | head -80; exit 1; }

# Debian tools some tests use when present: promtool checks the metrics
# exposition, wat2wasm the hand-written hostile modules. Installed where
# this machine can (root with apt-get); the tests say so when they skip.
.PHONY: test-deps
test-deps:
	@for t in promtool:prometheus wat2wasm:wabt ip:iproute2 iptables:iptables; do \
	  cmd=$${t%%:*}; pkg=$${t##*:}; \
	  command -v $$cmd >/dev/null && continue; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing $$pkg (for $$cmd)"; \
	    (apt-get install -y -qq --no-install-recommends $$pkg >/dev/null 2>&1 || \
	     (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends $$pkg >/dev/null 2>&1)) || \
	    echo "could not install $$pkg: the tests that need $$cmd will skip"; \
	  else echo "$$cmd not found and cannot be installed here: the tests that need it will skip"; fi; \
	done

# The GGUF reader's fuzz target, briefly: model files come from `model
# pull` URLs, so the reader must survive any bytes. Findings land in
# host/gguf/testdata/fuzz/FuzzRead and then run with every `go test`.
# The budget is a count of inputs, not a duration: a duration races the
# fuzz coordinator's own deadline (go.dev/issue/75804, fixed in Go 1.27)
# and fails at its end with a bare "context deadline exceeded", no input
# written. 60000 inputs take about 5-10 s on a 2-vCPU machine.
.PHONY: fuzz-short
fuzz-short:
	$(GO) test -run '^$$' -fuzz FuzzRead -fuzztime 60000x ./host/gguf

bench: build
	./scripts/bench.sh

# GPU: build ggml's CUDA backend from the sources vendored in the ollama
# module into lib/ollama, where the engine looks for backends
# (<binary dir>/../lib/ollama). Needs cmake and nvcc.
CUDA_ARCH ?= native
cuda:
	./scripts/build-cuda.sh $(CUDA_ARCH)

clean:
	rm -rf bin lib build
