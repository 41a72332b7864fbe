import ArgumentParser
import Foundation
import SLAConfig
import SLAEngine
import Transport

/// `slawatch ack`: acknowledges (or snoozes) a ticket's open clocks through the daemon's
/// API, so it works while the daemon holds the state.
struct AckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Acknowledge a ticket: hold its escalation, through the running daemon.",
        discussion: """
            Holds every later step of the ticket's open clocks (or the one --metric's) for --for \
            (default actions.ack_for), or until the clock is met; channels already pinged hear who \
            acknowledged. Calls POST /api/v1/acks on the daemon's listener with the token of \
            api_token_file. Exit status: 0 when recorded (or already acknowledged), 64 for a request \
            the daemon refuses, 66 when the daemon has no open clock of the ticket, 69 when the \
            daemon cannot be reached, 77 when it refuses the token, 78 for a configuration error.
            """
    )

    @OptionGroup var api: APIOptions

    @Option(help: "The ticket: SOURCE:ID, or its id alone when one source has it.")
    var ticket: String

    @Option(help: "Only this clock's metric: first_response, next_reply, periodic_update, resolution or group_response.")
    var metric: String?

    @Option(name: .customLong("for"), help: "How long the hold lasts, such as 2h (at most 30d; default actions.ack_for).")
    var duration: String?

    @Option(help: "Who acknowledges, as the team knows them.")
    var by: String

    @Flag(help: "Snooze instead: hold the ladder without taking ownership (default actions.snooze_for).")
    var snooze = false

    func run() async throws {
        if let metric, Metric(rawValue: metric) == nil {
            Console.error("--metric: \"\(metric)\" is not a metric; use one of " + Metric.allCases.map(\.rawValue).joined(separator: ", "))
            throw ExitCode(ExitStatus.usage)
        }
        if let duration, WrittenDuration.seconds(duration) == nil {
            Console.error("--for: \"\(duration)\" is not a duration; write it as 30m, 2h or 1h30m")
            throw ExitCode(ExitStatus.usage)
        }
        var body: JSONObject = ["ticket": .string(ticket), "by": .string(by), "action": .string(snooze ? "snooze" : "ack")]
        if let metric { body["metric"] = .string(metric) }
        if let duration { body["for"] = .string(duration) }
        let answer = try await api.client().call(.post, "/api/v1/acks", body: .object(body))
        for ack in answer["acks"] as? [[String: Any]] ?? [] {
            let verb = (ack["action"] as? String) == "snooze" ? "snoozed" : "acknowledged"
            let ticket = [ack["source"] as? String, ack["ticket"] as? String].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ":")
            let clock = "\(ticket) \(ack["metric"] as? String ?? "?") (cycle \(ack["cycle"] as? Int ?? 0))"
            let who = "\(ack["by"] as? String ?? "?") at \(ack["at"] as? String ?? "?")"
            if ack["already"] as? Bool == true {
                Console.out("\(clock): already \(verb) by \(who), held until \(ack["until"] as? String ?? "?")")
            } else {
                Console.out("\(clock): \(verb) by \(who), held until \(ack["until"] as? String ?? "?")")
            }
        }
    }
}
