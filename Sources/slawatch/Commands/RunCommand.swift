import ArgumentParser
import Daemon
import Delivery
import Foundation
import Logging
import ServiceLifecycle
import SLAConfig
import SLAEngine
import StateStore
import TicketSources
import Transport
import Service

/// `slawatch run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Watch the configured sources: escalate, notify, deliver.",
        discussion: """
            Loops until stopped, waking at the next poll or the next threshold instant of any \
            clock, whichever comes first. --once does one tick and exits; --dry-run prints what \
            it would send and records nothing. SIGHUP reloads the configuration; SIGTERM and \
            SIGINT stop it gracefully. Under systemd it reports READY, STATUS, RELOADING, \
            STOPPING and WATCHDOG through $NOTIFY_SOCKET.
            """
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Do one tick (poll, evaluate, decide, enqueue, deliver) and exit.")
    var once = false

    @Flag(help: "Print what would be sent; write nothing, send nothing.")
    var dryRun = false

    @Option(help: "With --once: the instant to tick at, RFC 3339 (for replays and tests; default now).")
    var at: String?

    func run() async throws {
        LargeAllocations.returnToSystemWhenFreed()
        let environment = ProcessInfo.processInfo.environment
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label) }
        let logger = Logger(label: "slawatch")
        let configuration = try options.load()
        RunCommand.logWarnings(of: configuration, logger: logger)

        var fixedInstant: Date?
        if let at {
            guard once else {
                Console.error("--at: needs --once; the daemon runs on the real clock")
                throw ExitCode(ExitStatus.usage)
            }
            fixedInstant = try TicketOptions.instant(at)
        }
        if case .postgres(let url) = configuration.stateLocation {
            try await runShared(configuration, url: url, environment: environment, logger: logger, fixedInstant: fixedInstant)
            return
        }
        let store: StateStore?
        do {
            if dryRun {
                store = FileManager.default.fileExists(atPath: configuration.state) ? try StateStore(path: configuration.state) : nil
            } else {
                store = try StateStore(path: configuration.state, exclusive: true)
            }
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.unavailable)
        }
        let transport = try RunCommand.deliveryTransport()
        defer { transport.shutdown() }
        let wiring: Wiring
        do {
            wiring = try Wiring.build(
                configuration, environment: environment, transport: transport, store: store, onLongWait: Self.longWaits(logger))
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.config)
        }
        let failpoint = environment["SLAWATCH_FAILPOINT"].flatMap(Failpoint.init(rawValue:))
        let metrics = MetricsRegistry(version: Slawatch.version)
        metrics.recordReload(succeeded: true, at: Date())
        // A daemon that owns its state always leads it.
        metrics.gauge("slawatch_leader", help: "1 while this daemon leads its state, 0 while it stands by.", labels: MetricsRegistry.NoLabels.self)
            .set(1)
        // Nothing is written or delivered in a dry run: no dispatcher, and the state prints
        // what a tick would send instead of recording it.
        let log: any NotificationLog
        if let store, !dryRun {
            log = store
        } else {
            log = RunCommand.dryRunLog(base: store)
        }
        let dispatcher = dryRun ? nil : store.map { store in
            OutboxDispatcher(
                store: store, notifiers: wiring.notifiers, opsChannel: wiring.configuration.opsChannel, templates: wiring.templates,
                clock: fixedInstant.map { ReplayClock(instant: $0) } ?? SystemDeliveryClock(), metrics: metrics,
                logger: logger, failpoint: failpoint)
        }
        let watcher = Watcher(
            configuration: wiring.configuration, templates: wiring.templates, store: log, sources: wiring.sources,
            dispatcher: dispatcher, logger: logger, failpoint: failpoint, links: wiring.links, writesBack: !dryRun
        )
        do {
            // What the outbox held when the last run stopped is due at once.
            try await dispatcher?.resume()
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.unavailable)
        }

        if once {
            do {
                // One tick, then one attempt at every message due; failures wait in the outbox.
                let report = try await watcher.tick(at: fixedInstant ?? Date(), forcePoll: true)
                await watcher.makeHelpdeskChanges()
                await dispatcher?.drain()
                await StatePruner(metrics: nil, logger: logger).prune(watcher, at: report.at)
                try RunCommand.finishOnce(report, logger: logger)
            } catch let error as StateStoreError {
                Console.error(error.description)
                throw ExitCode(ExitStatus.unavailable)
            }
            return
        }

        let notifier = SystemdNotifier()
        let heartbeat = LoopHeartbeat()
        let progress = LoopProgress()
        let path = options.config
        let credentials = ListenerCredentials(wiring)
        // Stopped in reverse order: the tick loop first, so nothing new reaches the dispatcher.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = dispatcher.map { [.init(service: DeliveryService(dispatcher: $0))] } ?? []
        services += [
            .init(service: TickLoop(watcher: watcher, notifier: notifier, heartbeat: heartbeat, metrics: metrics,
                                    progress: progress, logger: logger)),
            .init(service: ReloadService(notifier: notifier, metrics: metrics, logger: logger) {
                let fresh = try Wiring.load(
                    path: path, environment: environment, transport: transport, store: store, onLongWait: Self.longWaits(logger))
                await RunCommand.apply(fresh, startedWith: configuration, watcher: watcher, dispatcher: dispatcher,
                                       credentials: credentials, metrics: metrics, logger: logger)
            }),
        ]
        let server: StatusServer
        do {
            let routes = store.map { Listener.routes(
                wiring: wiring, credentials: credentials, store: $0, backend: .polling(watcher), metrics: metrics,
                transport: transport, logger: logger) }
            server = try StatusServer(
                listen: configuration.listen, metrics: metrics, logger: logger,
                readiness: { await watcher.readiness(firstTickAt: progress.firstTickAt, at: Date()) },
                routes: { router in routes?(router) }
            )
            // Before the first tick: a daemon that cannot serve its endpoints sends nothing.
            try server.listen.probe()
        } catch let error as StatusServerError {
            Console.error(error.description)
            throw ExitCode(ExitStatus.unavailable)
        } catch {
            Console.error("\(options.config): listen: \(error)")
            throw ExitCode(ExitStatus.config)
        }
        services.append(.init(service: server))
        if let watchdog = WatchdogService(
            notifier: notifier, heartbeats: [heartbeat] + (dispatcher.map { [$0.heartbeat] } ?? []), logger: logger) {
            services.append(.init(service: watchdog))
        }
        var group = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(20)
        defer { try? notifier.stopping(status: "stopping") }
        logger.info("starting", metadata: [
            "version": "\(Slawatch.version)", "config": "\(options.config)", "state": "\(configuration.state)",
            "listen": "\(configuration.listen)", "sources": "\(configuration.sources.count)",
            "channels": "\(configuration.channels.count)",
        ])
        do {
            try await ServiceGroup(configuration: group).run()
        } catch let error as StateStoreError {
            logger.error("stopped", metadata: ["error": "\(error)"])
            Console.error(error.description)
            throw ExitCode(ExitStatus.unavailable)
        } catch let error as StatusServerError {
            logger.error("stopped", metadata: ["error": "\(error)"])
            Console.error(error.description)
            throw ExitCode(ExitStatus.unavailable)
        }
        logger.info("stopped", metadata: ["version": "\(Slawatch.version)"])
    }
}

extension RunCommand {
    /// The libcurl transport channels and sources share: as many connections to one host as
    /// a delivery lane has attempts in flight, so a busy webhook lane reuses keep-alive
    /// connections instead of queueing behind eight. Prints why and exits 69 when it cannot start.
    static func deliveryTransport() throws -> CurlTransport {
        do {
            return try CurlTransport(settings: TransportSettings(
                maxConnectionsPerHost: OutboxDispatcher.attemptsInFlight(for: .webhook), maxConnections: 256))
        } catch {
            Console.error("cannot start the HTTP and SMTP transport: \(error)")
            throw ExitCode(ExitStatus.unavailable)
        }
    }

    /// Puts a reloaded configuration in force: the tick's, the dispatcher's (when this
    /// daemon delivers), the listener's keys and tokens, and the metrics' series.
    /// `statePassword` is the one a PostgreSQL state was opened with: the store keeps it, and
    /// would reconnect with it after a rotation, so a changed one is named for a restart.
    static func apply(
        _ fresh: Wiring, startedWith started: Configuration, statePassword: String? = nil, watcher: Watcher?,
        dispatcher: OutboxDispatcher?, credentials: ListenerCredentials, metrics: MetricsRegistry, logger: Logger
    ) async {
        logWarnings(of: fresh.configuration, logger: logger)
        var unchanged = restartOnly(started, fresh.configuration)
        if case .postgres = started.stateLocation, fresh.statePassword?.reveal() != statePassword {
            unchanged.append("state_password_file")
        }
        if !unchanged.isEmpty {
            logger.warning("configuration reloaded but for keys read only at start; restart the daemon to change them", metadata: [
                "keys": "\(unchanged.joined(separator: ","))",
            ])
        }
        await watcher?.reload(
            configuration: fresh.configuration, templates: fresh.templates, sources: fresh.sources, links: fresh.links)
        credentials.replace(with: fresh)
        await dispatcher?.use(notifiers: fresh.notifiers, opsChannel: fresh.configuration.opsChannel, templates: fresh.templates)
        metrics.retain(channels: Set(fresh.configuration.channels.keys), sources: Set(fresh.configuration.sources.map(\.name)))
    }

    /// Logs each wait of 5 s or more before a source's request, as it begins: a helpdesk
    /// that asks to wait (`Retry-After`) otherwise shows only as a long poll afterwards.
    static func longWaits(_ logger: Logger) -> @Sendable (String) -> Void {
        { sentence in logger.info("\(sentence)") }
    }

    /// What `check` prints as warnings, in the journal at start and at each reload: the
    /// daemon runs with them, and whoever reads its log should hear of them too.
    static func logWarnings(of configuration: Configuration, logger: Logger) {
        for warning in configuration.warnings {
            logger.warning("configuration: \(warning.message)", metadata: ["at": "\(warning.location)"])
        }
    }

    /// The keys changed in `fresh` that a running daemon keeps as it started with: the state
    /// it holds open, the address it listens on, and its PostgreSQL lease.
    static func restartOnly(_ started: Configuration, _ fresh: Configuration) -> [String] {
        var keys: [String] = []
        if fresh.state != started.state { keys.append("state") }
        if fresh.listen != started.listen { keys.append("listen") }
        if fresh.lease != started.lease, case .postgres = started.stateLocation { keys.append("lease") }
        return keys
    }

    /// A dry run's state: `base` read, nothing written, what a tick would send printed.
    static func dryRunLog(base: (any NotificationLog)?) -> DryRunLog {
        DryRunLog(base: base) { messages in
            for message in messages { print("would send to \(message.channel) [\(message.key)]: \(message.subject)") }
        }
    }

    /// The end of `run --once`: the tick line, and exit 69 when no source could be read at all.
    static func finishOnce(_ report: TickReport, logger: Logger) throws {
        TickLoop.log(report, to: logger)
        if !report.pollErrors.isEmpty && report.tickets == 0 { throw ExitCode(ExitStatus.unavailable) }
    }
}
