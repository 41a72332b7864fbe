import ArgumentParser
import Daemon
import Delivery
import Foundation
import Logging
import SLAConfig
import SLAEngine
import StateStore
import TicketSources

/// `slawatch run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Watch the configured sources: escalate, notify, deliver.",
        discussion: """
            Loops until stopped, waking at the next poll or the next threshold instant of any
            clock, whichever comes first. --once does one tick and exits; --dry-run prints what
            it would send and records nothing.
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
        let environment = ProcessInfo.processInfo.environment
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "slawatch")
        let configuration = try options.load()
        let notifiers: [String: any Notifier]
        let transport: CurlTransport
        let templates: MessageTemplates
        let secrets: ResolvedSecrets
        do {
            templates = try MessageTemplates(directory: configuration.templates)
            secrets = try configuration.resolveSecrets(environment: environment)
            transport = try CurlTransport()
            notifiers = try configuration.notifiers(secrets: secrets, transport: transport)
        } catch let error as ConfigurationError {
            Console.error(error.description)
            throw ExitCode(ExitStatus.config)
        } catch let error as TemplateError {
            Console.error(error.description)
            throw ExitCode(ExitStatus.config)
        } catch let error as ChannelWiringError {
            Console.error("\(options.config): \(error)")
            throw ExitCode(ExitStatus.config)
        } catch {
            Console.error("cannot start the HTTP and SMTP transport: \(error)")
            throw ExitCode(ExitStatus.unavailable)
        }
        defer { transport.shutdown() }
        var fixedInstant: Date?
        if let at {
            guard once, let parsed = Timestamp(rfc3339: at) else {
                Console.error("--at: needs --once and an RFC 3339 time such as 2026-11-20T22:00:00Z")
                throw ExitCode(ExitStatus.usage)
            }
            fixedInstant = parsed.date
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

        var sources: [Watcher.Source] = []
        for source in configuration.sources {
            do {
                sources.append(Watcher.Source(
                    config: source,
                    reader: try source.reader(secrets: secrets, transport: transport, cursors: store ?? InMemoryCursorStore() as any CursorStore),
                    writer: source.writer(secrets: secrets, transport: transport)
                ))
            } catch {
                Console.error("\(options.config): \(error)")
                throw ExitCode(ExitStatus.config)
            }
        }
        let watcher = Watcher(
            configuration: configuration, templates: templates, store: store, sources: sources, notifiers: notifiers,
            logger: logger,
            dryRun: dryRun, failpoint: environment["SLAWATCH_FAILPOINT"].flatMap(Failpoint.init(rawValue:))
        )

        if once {
            let report = try await tick(watcher, at: fixedInstant ?? Date(), logger: logger, force: true)
            if !report.problems.isEmpty && report.tickets == 0 && !sources.isEmpty {
                throw ExitCode(ExitStatus.unavailable)
            }
            return
        }
        var force = true
        while !Task.isCancelled {
            let report = try await tick(watcher, at: Date(), logger: logger, force: force)
            force = false
            let wait = max(0.05, (report.nextWake ?? Date() + 60).timeIntervalSinceNow)
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
        }
    }

    private func tick(_ watcher: Watcher, at now: Date, logger: Logger, force: Bool) async throws -> TickReport {
        do {
            let report = try await watcher.tick(at: now, forcePoll: force)
            logger.info("tick", metadata: [
                "tickets": "\(report.tickets)", "clocks": "\(report.clocks)", "breached": "\(report.breached)",
                "intents": "\(report.intents)", "enqueued": "\(report.enqueued)", "delivered": "\(report.delivered)",
                "next_wake": "\(report.nextWake.map { Timestamp($0).description } ?? "-")",
            ])
            return report
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.unavailable)
        }
    }
}
