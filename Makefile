# Everything a fresh machine needs, in two commands: `make run` and `make test`.
SHELL := /bin/bash
TEMPORAL_CLI_VERSION := v1.5.1
TEMPORAL_SERVER_VERSION := v1.29.1
TEMPORAL_UI_VERSION := v2.42.1
export TEMPORAL_CLI := $(CURDIR)/bin/temporal
# Which Temporal runs under `make run`, `make test` and the benchmarks: the CLI's dev server (dev)
# or the Temporal server on Postgres that production runs (server). See the README.
export TEMPORAL_ENGINE ?= dev
TEMPORAL_SERVER_BINS := bin/temporal-server bin/temporal-sql-tool bin/temporal-schema bin/temporal-ui-server
GO ?= go
# The docs page's renderer, fetched from the npm registry and embedded in the binary (see docs-assets).
DOCS_ASSETS := api/docsassets/dist/swagger-ui-bundle.js

.PHONY: run test test-e2e build lint fuzz postgres chromium docs-assets bench clean temporal-server

## run: API + worker + Temporal (dev server, or TEMPORAL_ENGINE=server) with UI on http://localhost:8233 + a migrated database
run: postgres bin/temporal $(TEMPORAL_SERVER_BINS) build
	WEBHOOK_ALLOW_INTERNAL=$${WEBHOOK_ALLOW_INTERNAL:-true} ./bin/keyclic dev

## test: every test, against real Postgres/PostGIS and a real Temporal (TEMPORAL_ENGINE)
test: postgres chromium bin/temporal $(TEMPORAL_SERVER_BINS) $(DOCS_ASSETS)
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

## test-e2e: the end-to-end tests only (CI runs them again with TEMPORAL_ENGINE=server)
test-e2e: postgres chromium bin/temporal $(TEMPORAL_SERVER_BINS) $(DOCS_ASSETS)
	$(GO) test -race -count=1 -timeout 20m ./e2e/

build: $(DOCS_ASSETS)
	$(GO) build -o bin/keyclic ./cmd/keyclic

postgres:
	./scripts/ensure-postgres.sh

# Debian's Chromium, for the end-to-end test of the docs page in a headless browser.
chromium:
	./scripts/ensure-chromium.sh

## docs-assets: Swagger UI for GET /docs, from the npm registry (pinned in web/docs/package-lock.json)
docs-assets: $(DOCS_ASSETS)
$(DOCS_ASSETS): web/docs/package.json web/docs/package-lock.json scripts/docs-assets.sh
	./scripts/docs-assets.sh

# The Temporal CLI (dev server with UI), pinned; the first build takes about six minutes.
bin/temporal:
	GOBIN=$(CURDIR)/bin $(GO) install github.com/temporalio/cli/cmd/temporal@$(TEMPORAL_CLI_VERSION)

# The Temporal server, its SQL tool, its schemas and the Temporal UI server, pinned (about two
# minutes once the CLI's modules are cached). The schemas come from the server's module.
temporal-server: $(TEMPORAL_SERVER_BINS)
bin/temporal-server:
	GO=$(GO) ./scripts/go-install-as.sh go.temporal.io/server/cmd/server@$(TEMPORAL_SERVER_VERSION) $@
bin/temporal-sql-tool:
	GO=$(GO) ./scripts/go-install-as.sh go.temporal.io/server/cmd/tools/sql@$(TEMPORAL_SERVER_VERSION) $@
bin/temporal-ui-server:
	GO=$(GO) ./scripts/go-install-as.sh github.com/temporalio/ui-server/v2/cmd/server@$(TEMPORAL_UI_VERSION) $@
bin/temporal-schema: bin/temporal-server
	rm -rf $@ && mkdir -p $@
	cp -R "$$($(GO) mod download -json go.temporal.io/server@$(TEMPORAL_SERVER_VERSION) | sed -n 's/^\t"Dir": "\(.*\)",$$/\1/p')/schema/postgresql" $@/
	chmod -R u+w $@

# Static checks: vet, staticcheck, and the Temporal SDK's determinism analyzer on workflow code.
lint: $(DOCS_ASSETS)
	@unformatted=$$("$$($(GO) env GOROOT)/bin/gofmt" -l .); if [ -n "$$unformatted" ]; then echo "not gofmt-ed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	$(GO) run go.temporal.io/sdk/contrib/tools/workflowcheck@v0.6.0 -test=false ./workflows/...

# Every fuzz target for FUZZTIME each (their seed corpora also run, briefly, in `make test`).
# A count, not a duration: Go 1.26's fuzz coordinator can report its own deadline as a failure
# on a busy machine (go.dev/issue/75804); a count has no deadline to race.
FUZZTIME ?= 50000x
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) ./scripts/fuzz.sh

# The service's benchmarks (see the README): reads on 1M feedbacks, posts and transitions.
bench: postgres bin/temporal $(TEMPORAL_SERVER_BINS)
	$(GO) run ./cmd/keyclic-bench -scenario all

clean:
	rm -rf bin var
	find api/docsassets/dist -mindepth 1 ! -name PLACEHOLDER -delete
