# Everything a fresh machine needs, in two commands: `make run` and `make test`.
SHELL := /bin/bash
TEMPORAL_CLI_VERSION := v1.5.1
export TEMPORAL_CLI := $(CURDIR)/bin/temporal
GO ?= go

.PHONY: run test build lint fuzz postgres bench clean

## run: API + worker + Temporal dev server (UI on http://localhost:8233) + a migrated database
run: postgres bin/temporal build
	WEBHOOK_ALLOW_INTERNAL=$${WEBHOOK_ALLOW_INTERNAL:-true} ./bin/keyclic dev

## test: every test, against real Postgres/PostGIS and a real Temporal dev server
test: postgres bin/temporal
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

build:
	$(GO) build -o bin/keyclic ./cmd/keyclic

postgres:
	./scripts/ensure-postgres.sh

# The Temporal CLI (dev server with UI), pinned; the first build takes about six minutes.
bin/temporal:
	GOBIN=$(CURDIR)/bin $(GO) install github.com/temporalio/cli/cmd/temporal@$(TEMPORAL_CLI_VERSION)

# Static checks: vet, staticcheck, and the Temporal SDK's determinism analyzer on workflow code.
lint:
	@unformatted=$$("$$($(GO) env GOROOT)/bin/gofmt" -l .); if [ -n "$$unformatted" ]; then echo "not gofmt-ed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	$(GO) run go.temporal.io/sdk/contrib/tools/workflowcheck@v0.6.0 -test=false ./workflows/...

# Every fuzz target for FUZZTIME each (their seed corpora also run, briefly, in `make test`).
FUZZTIME ?= 10s
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) ./scripts/fuzz.sh

# The service's benchmarks (see the README): reads on 1M feedbacks, posts and transitions.
bench: postgres bin/temporal
	$(GO) run ./cmd/keyclic-bench -scenario all

clean:
	rm -rf bin var
