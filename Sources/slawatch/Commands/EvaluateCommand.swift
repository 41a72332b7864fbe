import ArgumentParser
import Foundation
import SLAConfig
import SLAEngine

/// `slawatch evaluate`: every clock of every ticket at an instant, per the documented contract.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate every SLA clock of every ticket at an instant."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, table
    }

    @OptionGroup var options: ConfigOption
    @OptionGroup var input: TicketOptions

    @Option(help: "json (the documented contract) or table.")
    var format: Format = .table

    func run() async throws {
        let configuration = try options.load()
        let now = try input.instant()
        let tickets = try await input.read(using: configuration)
        let engine = configuration.engine
        switch format {
        case .json: try await ClockReport.json(tickets, engine: engine, at: now, send: Console.out(bytes:))
        case .table:
            var clocks: [SLAClock] = [], risks: [RiskOccurrence] = []
            for ticket in tickets {
                let ticketClocks = engine.clocks(for: ticket, at: now)
                clocks += ticketClocks
                risks += engine.risks(for: ticket, clocks: ticketClocks, at: now)
            }
            Console.out(ClockReport.table(clocks, at: now))
            if !engine.risks.isEmpty { Console.out("\n" + ClockReport.table(risks)) }
        }
    }
}
