# slawatch: the two commands are `make demo` and `make test`; both install what they need.
SWIFT     ?= swift
APT_DEPS  := python3 tzdata libcurl4-openssl-dev libsqlite3-dev python3-aiosmtpd openssl systemd procps chromium chromium-driver python3-selenium postgresql
DEMO      := config/demo
BIN       := .build/debug/slawatch

.PHONY: demo test deps build bench soak

## Release builds link the Swift runtime and Foundation into the binary: it then runs on a
## host without the Swift toolchain (Debian's libcurl and SQLite are all it loads), starts
## about 12 ms sooner, and its ticks run 5 - 10% faster (README, "Measured").
RELEASE   := -c release --static-swift-stdlib
## The Swift runtime's crash reporter for such binaries, installed beside slawatch when the
## toolchain has it, so a crash still writes its backtrace to the journal.
BACKTRACER ?= $(abspath $(dir $(realpath $(shell command -v $(SWIFT))))../libexec/swift/linux/swift-backtrace-static)

deps:
	@scripts/ensure-deps.sh $(APT_DEPS)

build: deps
	scripts/in-scratch.sh $(SWIFT) build --product slawatch

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

## Every test: unit, integration and the real binary. One at a time: many tests run the
## daemon, receivers and mail servers as processes, and timing checks stay honest on 2 cores.
## What the build and the tests write goes to a scratch TMPDIR, removed when they end.
## The tests and the binary they run are built optimized, as the installed binary is: a
## release-only miscompile once made every `evaluate` trap while the debug suite passed.
## Their own build directory keeps them from rebuilding what `make bench` built.
TESTED    := -c release -Xswiftc -enable-testing --scratch-path .build/tested
test: deps
	scripts/in-scratch.sh $(SWIFT) build $(TESTED) --build-tests
	scripts/in-scratch.sh $(SWIFT) test $(TESTED) --skip-build --no-parallel
	SLAWATCH_BIN=.build/tested/release/slawatch scripts/systemd-check.sh

## Release-build benchmarks; figures go in the README. Debian's Prometheus Alertmanager is
## unpacked under .build (not installed) to run beside the daemon's end-to-end benchmark.
bench: deps
	for product in slawatch slawatch-bench delivery-bench e2e-bench; do $(SWIFT) build $(RELEASE) --product $$product || exit 1; done
	.build/release/slawatch-bench
	scripts/bench-postgres.sh .build/release/slawatch-bench
	.build/release/e2e-bench --alertmanager "$$(scripts/alertmanager.sh)"
	.build/release/delivery-bench
	python3 scripts/measure-service.py .build/release/slawatch
	python3 scripts/bench-evaluate.py .build/release/slawatch
	.build/release/slawatch-bench status-page 2000 .build/status-page-bench.html
	/usr/bin/python3 scripts/bench-status-page.py .build/status-page-bench.html

## Longer trials than `make test` keeps time for: the dead receivers watched for two
## minutes each, 20 kills during slow deliveries, 120 random-kill trials, 10 kills of a PostgreSQL leader.
soak: deps
	scripts/in-scratch.sh $(SWIFT) build $(TESTED) --build-tests
	SLAWATCH_SOAK=1 scripts/in-scratch.sh $(SWIFT) test $(TESTED) --skip-build --no-parallel --filter "DeadReceiverProcessTests|KillDuringDeliveryProcessTests|DaemonProcessTests|SharedStateProcessTests"

## Installation. PREFIX (default /usr/local) holds the binary, the unit and the template
## defaults; SYSCONFDIR (default /etc) the configuration; DESTDIR stages it all elsewhere.
## The unit goes to $(PREFIX)/lib/systemd/system, where systemd looks for units installed
## by the administrator, so drop-ins (`systemctl edit slawatch`) in /etc/systemd/system
## survive reinstalls. An existing slawatch.yaml is never overwritten.
PREFIX      ?= /usr/local
SYSCONFDIR  ?= /etc
DESTDIR     ?=
UNITDIR     := $(PREFIX)/lib/systemd/system
INSTALL_BIN ?= .build/release/slawatch

.PHONY: release install install-files uninstall systemd-check

release: deps
	$(SWIFT) build $(RELEASE) --product slawatch

## The release binary, the systemd unit, /etc/slawatch/slawatch.yaml (only when there is
## none) and the default templates.
install: release
	@$(MAKE) --no-print-directory install-files

## What `install` copies, without building: INSTALL_BIN is the binary to install
## (scripts/systemd-check.sh passes a stand-in).
install-files:
	install -d -m 0755 $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/slawatch
	install -m 0755 $(INSTALL_BIN) $(DESTDIR)$(PREFIX)/bin/slawatch
	@if [ -x "$(BACKTRACER)" ]; then \
		echo "install $(BACKTRACER) -> $(DESTDIR)$(PREFIX)/libexec/slawatch/swift-backtrace"; \
		install -d -m 0755 $(DESTDIR)$(PREFIX)/libexec/slawatch; \
		install -m 0755 "$(BACKTRACER)" $(DESTDIR)$(PREFIX)/libexec/slawatch/swift-backtrace; \
	else \
		echo "no swift-backtrace-static in this toolchain ($(BACKTRACER)): a crash is reported without a backtrace"; \
	fi
	sed -e 's|/usr/local/bin/slawatch|$(PREFIX)/bin/slawatch|g' -e 's|/usr/local/libexec/slawatch/|$(PREFIX)/libexec/slawatch/|g' \
		-e 's|/etc/slawatch/|$(SYSCONFDIR)/slawatch/|g' \
		systemd/slawatch.service > $(DESTDIR)$(UNITDIR)/slawatch.service.tmp
	chmod 0644 $(DESTDIR)$(UNITDIR)/slawatch.service.tmp
	mv -f $(DESTDIR)$(UNITDIR)/slawatch.service.tmp $(DESTDIR)$(UNITDIR)/slawatch.service
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/slawatch/slawatch.yaml ]; then \
		echo "kept $(DESTDIR)$(SYSCONFDIR)/slawatch/slawatch.yaml (the example is config/slawatch.yaml)"; \
	else \
		echo "install -m 0644 config/slawatch.yaml $(DESTDIR)$(SYSCONFDIR)/slawatch/slawatch.yaml"; \
		install -m 0644 config/slawatch.yaml $(DESTDIR)$(SYSCONFDIR)/slawatch/slawatch.yaml; \
	fi
	@if [ -d config/templates ]; then \
		echo "install config/templates/*.mustache -> $(DESTDIR)$(PREFIX)/share/slawatch/templates/"; \
		install -d -m 0755 $(DESTDIR)$(PREFIX)/share/slawatch/templates; \
		install -m 0644 config/templates/*.mustache $(DESTDIR)$(PREFIX)/share/slawatch/templates/; \
	fi
	@[ -n "$(DESTDIR)" ] || echo "now: systemctl daemon-reload, then systemctl enable --now slawatch"

## Removes what `install` put in place except the configuration and the state.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/slawatch $(DESTDIR)$(UNITDIR)/slawatch.service
	rm -rf $(DESTDIR)$(PREFIX)/share/slawatch
	rm -rf $(DESTDIR)$(PREFIX)/libexec/slawatch

## The unit: systemd-analyze verify and security (exposure at most 2.0), and `make install`
## into a scratch directory.
systemd-check: deps
	scripts/systemd-check.sh
