# slawatch: the two commands are `make demo` and `make test`; both install what they need.
SWIFT     ?= swift
APT_DEPS  := python3 tzdata libcurl4-openssl-dev libsqlite3-dev python3-aiosmtpd openssl
DEMO      := config/demo
BIN       := .build/debug/slawatch

.PHONY: demo test deps build bench

deps:
	@scripts/ensure-deps.sh $(APT_DEPS)

build: deps
	$(SWIFT) build --product slawatch

## Run the daemon on the bundled demo: tickets whose times are relative to now, pings
## printed as they arrive. DEMO_SECONDS (default 150) bounds the run.
demo: build
	python3 $(DEMO)/render-tickets.py $(DEMO)/tickets.template.json > $(DEMO)/tickets.json
	rm -rf $(DEMO)/demo-state
	$(BIN) check --config $(DEMO)/slawatch.yaml
	$(BIN) evaluate --config $(DEMO)/slawatch.yaml --format table
	@echo
	$(BIN) explain --config $(DEMO)/slawatch.yaml --ticket T-1002
	@echo
	@echo "Running the daemon; pings appear as they are sent (Ctrl-C stops it):"
	@scripts/demo-run.sh

## Every test: unit, integration and the real binary.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Release-build benchmarks; figures go in the README.
bench: deps
	$(SWIFT) build -c release --product slawatch-bench
	.build/release/slawatch-bench
