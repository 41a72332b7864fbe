import ArgumentParser
import Daemon
import Foundation
import SLAConfig
import SLAEngine
import SLAReport
import StateStore

/// `slawatch report`: SLA compliance over a period, from a tickets file or from the clock
/// outcomes the daemon recorded (DESIGN.md, "People see").
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report SLA compliance over a period: counts, achieved %, percentiles, overshoot and service credits.",
        discussion: """
            A clock counts in the period when it was fulfilled in it (met or missed), or when it is \
            still open at --at and its due time passed in it (breached). With --tickets the report \
            is computed from those tickets; without it, from the outcomes the daemon recorded in \
            the state, read-only, while the daemon runs. Exit status: 64 for bad options, 66 when \
            the tickets cannot be read, 69 when the state cannot be used, 78 for a configuration error.
            """
    )

    @OptionGroup var options: ConfigOption
    @OptionGroup var input: TicketOptions

    @Option(help: "Start of the period, RFC 3339 (inclusive).")
    var since: String

    @Option(help: "End of the period, RFC 3339 (exclusive).")
    var until: String

    @Option(help: "Group rows by any of priority,group,channel,tier,metric,customer,team,week (comma-separated).")
    var by: String?

    @Option(help: "table, json, csv or html.")
    var format: String = "table"

    @Option(help: "The calendar whose time zone weeks are read in for --by week (default: UTC).")
    var calendar: String?

    func run() async throws {
        let since = try TicketOptions.instant(self.since, option: "--since")
        let until = try TicketOptions.instant(self.until, option: "--until")
        guard since < until else {
            Console.error("--since (\(self.since)) is not before --until (\(self.until)); the period starts at --since and ends at --until")
            throw ExitCode(ExitStatus.usage)
        }
        var dimensions: [ReportDimension] = []
        if let by {
            switch ReportDimension.list(by) {
            case .success(let list): dimensions = list
            case .failure(let error):
                Console.error("--by: \(error.message)")
                throw ExitCode(ExitStatus.usage)
            }
        }
        guard let format = ReportFormat(rawValue: self.format) else {
            Console.error("--format: \"\(self.format)\" is not a report format; use table, json, csv or html")
            throw ExitCode(ExitStatus.usage)
        }
        let at = try input.instant()
        let configuration = try options.load()
        var zone = ReportZone.utc
        if let calendar {
            guard let found = configuration.calendars[calendar] else {
                let known = configuration.calendars.keys.sorted().joined(separator: ", ")
                Console.error("--calendar: no calendar is named \"\(calendar)\" in \(configuration.file); use one of \(known)")
                throw ExitCode(ExitStatus.usage)
            }
            zone = ReportZone(found.timeZone)
        }
        let query = ReportQuery(since: since, until: until, at: at, by: dimensions, zone: zone)
        let outcomes: [ClockOutcome]
        if input.tickets != nil {
            outcomes = try await ticketOutcomes(configuration, at: at)
        } else {
            outcomes = try await storedOutcomes(configuration, query: query)
        }
        let report = ComplianceReport(outcomes: outcomes, query: query, credits: configuration.credits)
        Console.out(format.render(report))
        if format == .table, input.tickets == nil { try silenced(configuration, query: query) }
    }

    /// Under the table of a report from the state: the messages silences muted in the
    /// period (recorded, never sent), per silence.
    private func silenced(_ configuration: Configuration, query: ReportQuery) throws {
        let muted: [(reason: String, count: Int)]
        do {
            muted = try StateStore(readingOnly: configuration.state).silencedMessages(since: query.since, until: query.until)
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.unavailable)
        }
        guard !muted.isEmpty else { return }
        let total = muted.reduce(0) { $0 + $1.count }
        Console.out("\nMuted by silences in the period (recorded, not sent): \(total) message\(total == 1 ? "" : "s")")
        for (reason, count) in muted { Console.out("  \(count)  \(reason)") }
    }

    /// Every clock of the tickets, evaluated at `at` against this configuration.
    private func ticketOutcomes(_ configuration: Configuration, at: Date) async throws -> [ClockOutcome] {
        let tickets = try await input.read(using: configuration, requireSome: true)
        let engine = configuration.engine
        let escalator = Escalator(teams: configuration.teams)
        var outcomes: [ClockOutcome] = []
        for ticket in tickets {
            let team = escalator.team(for: ticket)?.name
            for clock in engine.clocks(for: ticket, at: at) {
                if let outcome = ClockOutcome(clock, of: ticket, team: team) { outcomes.append(outcome) }
            }
        }
        return outcomes
    }

    /// What the daemon recorded, read without taking the daemon's lock or writing.
    private func storedOutcomes(_ configuration: Configuration, query: ReportQuery) async throws -> [ClockOutcome] {
        do {
            if case .postgres(let url) = configuration.stateLocation {
                let store = try await PostgresStateStore.open(url, configuration: configuration, fenced: false)
                defer { Task { await store.close() } }
                return try await store.clockOutcomes(countingFrom: query.since, until: query.until)
            }
            let store = try StateStore(readingOnly: configuration.state)
            return try store.clockOutcomes(countingFrom: query.since, until: query.until)
        } catch {
            Console.error("\(error)")
            throw ExitCode(ExitStatus.unavailable)
        }
    }
}
