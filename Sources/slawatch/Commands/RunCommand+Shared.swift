import ArgumentParser
import Daemon
import Delivery
import Foundation
import Logging
import ServiceLifecycle
import SLAConfig
import SLAEngine
import StateStore
import Synchronization
import TicketSources
import Transport
import Service

/// `slawatch run` on a PostgreSQL state that other daemons may share: one leads (polls,
/// evaluates, delivers), the others stand by and take over when it dies, hangs or loses
/// its connection.
extension RunCommand {
    func runShared(
        _ configuration: Configuration, url: PostgresURL, environment: [String: String], logger: Logger, fixedInstant: Date?
    ) async throws {
        let password: String?
        do {
            password = configuration.statePassword(try configuration.resolveSecrets(environment: environment))
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.config)
        }
        let instance = RunCommand.instanceName()
        let store: PostgresStateStore
        do {
            store = try await PostgresStateStore(
                endpoint: url.endpoint(password: password), instance: instance, fenced: !dryRun, logger: logger)
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.unavailable)
        }
        let transport: CurlTransport
        do {
            transport = try RunCommand.deliveryTransport()
        } catch {
            await store.close()
            throw error
        }
        defer { transport.shutdown() }
        let wiring: Wiring
        do {
            wiring = try Wiring.build(
                configuration, environment: environment, transport: transport, store: store, onLongWait: Self.longWaits(logger))
        } catch {
            await store.close()
            Console.error(error.description)
            throw ExitCode(ExitStatus.config)
        }
        let leadership = PostgresLeadership(store: store, lease: Double(configuration.lease), logger: logger)
        if once || dryRun {
            defer { Task { await store.close() } }
            try await runOnce(wiring, store: store, leadership: leadership, logger: logger, fixedInstant: fixedInstant)
            return
        }
        let failpoint = environment["SLAWATCH_FAILPOINT"].flatMap(Failpoint.init(rawValue:))
        let metrics = MetricsRegistry(version: Slawatch.version)
        metrics.recordReload(succeeded: true, at: Date())
        let leaderGauge = metrics.gauge("slawatch_leader", help: "1 while this daemon leads its state, 0 while it stands by.", labels: MetricsRegistry.NoLabels.self)
        let notifier = SystemdNotifier()
        let role = DaemonRole()
        let current = Mutex<(wiring: Wiring, watcher: Watcher?, dispatcher: OutboxDispatcher?, progress: LoopProgress?)>(
            (wiring, nil, nil, nil))
        let lease = configuration.lease
        let work: RoleService.Work = { tickBeat, deliveryBeat in
            let wiring = current.withLock { $0.wiring }
            let dispatcher = OutboxDispatcher(
                store: store, notifiers: wiring.notifiers, opsChannel: wiring.configuration.opsChannel, templates: wiring.templates,
                metrics: metrics, logger: logger, failpoint: failpoint, heartbeat: deliveryBeat)
            let watcher = Watcher(
                configuration: wiring.configuration, templates: wiring.templates, store: store, sources: wiring.sources,
                dispatcher: dispatcher, logger: logger, failpoint: failpoint, links: wiring.links)
            let progress = LoopProgress()
            try await dispatcher.resume()
            current.withLock { $0 = ($0.wiring, watcher, dispatcher, progress) }
            defer { current.withLock { $0 = ($0.wiring, nil, nil, nil) } }
            let tick = TickLoop(
                watcher: watcher, notifier: notifier, heartbeat: tickBeat, metrics: metrics, progress: progress, logger: logger,
                statusPrefix: "leader: ", maxPause: .milliseconds(lease * 1000 / 3))
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await DeliveryService(dispatcher: dispatcher).run() }
                    group.addTask { try await tick.run() }
                    // Answers and silences any daemon's listener records wake the loop at once: the
                    // tick tells the channels already pinged and tags acknowledged tickets.
                    group.addTask {
                        await store.listenForAnswers { _ in watcher.nudge() }
                    }
                    // Either ending (a stop, a failure) ends both.
                    try await group.next()
                    group.cancelAll()
                    try await group.waitForAll()
                }
            } catch {
                // No longer leading: the helpdesk is the new leader's to change.
                await watcher.stopHelpdeskChanges()
                throw error
            }
            await watcher.stopHelpdeskChanges()
        }
        let heartbeat = LoopHeartbeat()
        let path = options.config
        let credentials = ListenerCredentials(wiring)
        // The listener serves from the watcher's polled tickets while this daemon leads (it
        // hears of answers through the state, as every daemon's listener records them), and
        // from what the state records while it stands by.
        let backend = ListenerBackend.either(
            leading: { current.withLock { $0.watcher }.map { .polling($0, toldByState: true) } },
            standing: .recorded(
                store, sources: { current.withLock { $0.wiring.configuration.sources.map(\.name) } },
                calendars: { current.withLock { $0.wiring.configuration.calendars } }))
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: RoleService(
                leadership: leadership, role: role, notifier: notifier, heartbeat: heartbeat, metrics: metrics,
                leaderGauge: leaderGauge, logger: logger, work: work)),
            .init(service: ReloadService(notifier: notifier, metrics: metrics, logger: logger) {
                let fresh = try Wiring.load(
                    path: path, environment: environment, transport: transport, store: store, onLongWait: Self.longWaits(logger))
                let (watcher, dispatcher) = current.withLock { current in
                    current.wiring = fresh
                    return (current.watcher, current.dispatcher)
                }
                await RunCommand.apply(fresh, startedWith: configuration, statePassword: password, watcher: watcher, dispatcher: dispatcher,
                                       credentials: credentials, metrics: metrics, logger: logger)
            }),
        ]
        let server: StatusServer
        do {
            server = try StatusServer(
                listen: configuration.listen, metrics: metrics, logger: logger,
                readiness: {
                    switch role.value {
                    case nil: return .notReady("waiting to learn whether this daemon leads")
                    case .standby:
                        // A standby that cannot reach the state could not take over.
                        guard let down = leadership.unreachable else { return .ready }
                        return .notReady("cannot reach the state database since \(Timestamp(down.since)): \(down.reason)")
                    case .leader:
                        let (running, loop) = current.withLock { ($0.watcher, $0.progress) }
                        guard let watcher = running, let progress = loop else { return .notReady("taking the lead") }
                        return await watcher.readiness(firstTickAt: progress.firstTickAt, at: Date())
                    }
                },
                role: { role.value?.rawValue },
                routes: Listener.routes(
                    wiring: wiring, credentials: credentials, store: store, backend: backend,
                    metrics: metrics, transport: transport, logger: logger))
            try server.listen.probe()
        } catch let error as StatusServerError {
            await store.close()
            Console.error(error.description)
            throw ExitCode(ExitStatus.unavailable)
        } catch {
            await store.close()
            Console.error("\(options.config): listen: \(error)")
            throw ExitCode(ExitStatus.config)
        }
        services.append(.init(service: server))
        if let watchdog = WatchdogService(notifier: notifier, heartbeats: [heartbeat], logger: logger) {
            services.append(.init(service: watchdog))
        }
        var group = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(20)
        defer { try? notifier.stopping(status: "stopping") }
        logger.info("starting", metadata: [
            "version": "\(Slawatch.version)", "config": "\(options.config)", "state": "\(configuration.state)",
            "instance": "\(instance)", "lease": "\(lease)s", "listen": "\(configuration.listen)",
            "sources": "\(configuration.sources.count)", "channels": "\(configuration.channels.count)",
        ])
        do {
            try await ServiceGroup(configuration: group).run()
        } catch let error as StatusServerError {
            logger.error("stopped", metadata: ["error": "\(error)"])
            await store.close()
            Console.error(error.description)
            throw ExitCode(ExitStatus.unavailable)
        }
        await store.close()
        logger.info("stopped", metadata: ["version": "\(Slawatch.version)"])
    }

    /// `--once` and `--dry-run` on a shared state: a dry run reads it and writes nothing;
    /// `--once` ticks only when no other daemon leads (it takes the lead for the tick).
    private func runOnce(
        _ wiring: Wiring, store: PostgresStateStore, leadership: PostgresLeadership, logger: Logger, fixedInstant: Date?
    ) async throws {
        let log: any NotificationLog
        var dispatcher: OutboxDispatcher?
        if dryRun {
            log = RunCommand.dryRunLog(base: store)
        } else {
            guard case .leader = await leadership.round(progressing: true) else {
                Console.error("\(store.endpoint): another slawatch daemon leads this state; run --once when none does")
                throw ExitCode(ExitStatus.unavailable)
            }
            log = store
            dispatcher = OutboxDispatcher(
                store: store, notifiers: wiring.notifiers, opsChannel: wiring.configuration.opsChannel, templates: wiring.templates,
                clock: fixedInstant.map { ReplayClock(instant: $0) } ?? SystemDeliveryClock(), logger: logger)
        }
        let watcher = Watcher(
            configuration: wiring.configuration, templates: wiring.templates, store: log, sources: wiring.sources,
            dispatcher: dispatcher, logger: logger, writesBack: !dryRun)
        do {
            try await dispatcher?.resume()
            let report = try await watcher.tick(at: fixedInstant ?? Date(), forcePoll: true)
            await watcher.makeHelpdeskChanges()
            await dispatcher?.drain()
            await StatePruner(metrics: nil, logger: logger).prune(watcher, at: report.at)
            await leadership.resign()
            try RunCommand.finishOnce(report, logger: logger)
        } catch let error as StateStoreError {
            await leadership.resign()
            Console.error(error.description)
            throw ExitCode(ExitStatus.unavailable)
        }
    }

    /// This daemon's `application_name`: host, process and a random part, under PostgreSQL's 63 bytes.
    static func instanceName() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        let safe = String(host.unicodeScalars.filter { $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" }
            .prefix(28).map(Character.init))
        return "slawatch-\(safe)-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }
}

extension PostgresStateStore {
    /// Opens the PostgreSQL state a configuration names, with its `state_password_file`.
    /// `fenced` for a daemon; a command that only reads, or copies into an idle state, is not.
    static func open(
        _ url: PostgresURL, configuration: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment,
        fenced: Bool, instance: String = RunCommand.instanceName()
    ) async throws -> PostgresStateStore {
        let secrets = try configuration.resolveSecrets(environment: environment)
        return try await PostgresStateStore(
            endpoint: url.endpoint(password: configuration.statePassword(secrets)), instance: instance, fenced: fenced,
            logger: Logger(label: "slawatch"))
    }
}
