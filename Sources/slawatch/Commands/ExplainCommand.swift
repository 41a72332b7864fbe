import ArgumentParser
import Foundation
import SLAConfig
import SLAEngine
import StateStore

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
        let (holds, silences) = answers(configuration)
        Console.out(explanation.explain(found, at: now, holds: holds, silences: silences))
    }

    /// The acknowledgements, snoozes and silences the daemon recorded, read without a lock
    /// and without writing, while it runs; none when there is no state file yet. A state
    /// that cannot be read is said on standard error, and the explanation goes on without.
    private func answers(_ configuration: Configuration) -> ([String: ClockHold], [Silence]) {
        guard input.tickets == nil, FileManager.default.fileExists(atPath: configuration.state) else { return ([:], []) }
        do {
            let store = try StateStore(readingOnly: configuration.state)
            return (try store.clockHolds(), try store.silences(endingAfter: .distantPast))
        } catch {
            Console.error("\(error.description) (acknowledgements and silences left out)")
            return ([:], [])
        }
    }
}
