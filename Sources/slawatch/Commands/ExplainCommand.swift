import ArgumentParser
import Foundation
import SLAConfig
import SLAEngine

/// `slawatch explain`: why each clock of one ticket has the due time it has, in sentences.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain, in sentences, every clock of one ticket."
    )

    @OptionGroup var options: ConfigOption
    @OptionGroup var input: TicketOptions

    @Option(help: "The ticket: SOURCE:ID, or its id alone when one source has it.")
    var ticket: String

    func run() async throws {
        let configuration = try options.load()
        let now = try input.instant()
        let tickets = try await input.read(using: configuration)
        let found = try TicketOptions.find(ticket, in: tickets)
        let explanation = ClockExplanation(engine: configuration.engine, calendars: configuration.calendars)
        Console.out(explanation.explain(found, at: now))
    }
}
