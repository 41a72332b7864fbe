import ArgumentParser
import Foundation
import SLAConfig
import SLAEngine
import Transport

/// `slawatch silence add|list|expire`: mutes matching messages for a while, through the
/// daemon's API (`/api/v1/silences`), so it works while the daemon holds the state.
struct SilenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Mute the team's messages about matching tickets for a while.",
        discussion: """
            A silence mutes warnings (and, with --breaches, breach pings and their repeats) about \
            tickets that match every --match; customer notices are never muted. A muted message is \
            recorded as silenced and never sent. When the silence ends, each clock still breached \
            whose news it muted gets one catch-up message. Exit status: 0, 64 for bad options or a \
            request the daemon refuses, 66 for an unknown silence id, 69 when the daemon cannot be \
            reached, 77 when it refuses the token, 78 for a configuration error.
            """,
        subcommands: [Add.self, List.self, Expire.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a silence starting now; prints its id.")

        @OptionGroup var api: APIOptions

        @Option(name: .customLong("match"), help: ArgumentHelp(
            "A ticket field and value, FIELD=VALUE: customer.tier, customer.id, customer.name, group, tags, priority, channel "
                + "or assignee. Every field must hold; a field given twice holds for either value."))
        var matches: [String] = []

        @Option(name: .customLong("for"), help: "How long it lasts, such as 2h (at most 30d).")
        var duration: String

        @Option(help: "Why: shown in the list and in the catch-up message.")
        var reason: String

        @Flag(help: "Mute breach pings and their repeats too, not only warnings.")
        var breaches = false

        @Option(help: "Who sets it (default: the login name).")
        var by: String?

        func run() async throws {
            guard !matches.isEmpty else {
                Console.error("--match: give at least one FIELD=VALUE, such as --match group=Billing; a silence over every ticket is not allowed")
                throw ExitCode(ExitStatus.usage)
            }
            var match = JSONObject()
            for written in matches {
                guard let equals = written.firstIndex(of: "="), !written[..<equals].isEmpty,
                      !written[written.index(after: equals)...].isEmpty else {
                    Console.error("--match: \"\(written)\" is not FIELD=VALUE, such as group=Billing")
                    throw ExitCode(ExitStatus.usage)
                }
                let field = String(written[..<equals]), value = String(written[written.index(after: equals)...])
                guard TicketMatch.Field(rawValue: field) != nil else {
                    Console.error("--match: \"\(field)\" is not a ticket field; use one of "
                        + TicketMatch.Field.allCases.map(\.rawValue).joined(separator: ", "))
                    throw ExitCode(ExitStatus.usage)
                }
                let earlier = match[field]?.array ?? []
                match[field] = .array(earlier + [.string(value)])
            }
            guard WrittenDuration.seconds(duration) != nil else {
                Console.error("--for: \"\(duration)\" is not a duration; write it as 30m, 2h or 1h30m")
                throw ExitCode(ExitStatus.usage)
            }
            var body: JSONObject = [
                "match": .object(match), "for": .string(duration), "reason": .string(reason), "breaches": .bool(breaches),
            ]
            let environment = ProcessInfo.processInfo.environment
            let named = [environment["USER"], environment["LOGNAME"]].compactMap { $0 }.first { !$0.isEmpty }
            if let who = by ?? named ?? SilenceCommand.loginName() {
                body["by"] = .string(who)
            }
            let answer = try await api.client().call(.post, "/api/v1/silences", body: .object(body))
            guard let silence = answer["silence"] as? [String: Any], let id = silence["id"] as? String else {
                Console.error("the daemon's answer names no silence; is it this version of slawatch?")
                throw ExitCode(ExitStatus.unavailable)
            }
            Console.out(id)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the silences standing (with --all, also those ended within seven days).")

        @OptionGroup var api: APIOptions

        @Flag(help: "Also the silences that ended within the last seven days.")
        var all = false

        @Option(help: "table or json (the API's answer).")
        var format: String = "table"

        func run() async throws {
            guard format == "table" || format == "json" else {
                Console.error("--format: \"\(format)\" is not table or json")
                throw ExitCode(ExitStatus.usage)
            }
            let answer = try await api.client().call(.get, "/api/v1/silences")
            let silences = (answer["silences"] as? [[String: Any]] ?? []).filter { all || $0["active"] as? Bool == true }
            if format == "json" {
                let data = try JSONSerialization.data(withJSONObject: ["silences": silences], options: [.sortedKeys])
                Console.out(String(decoding: data, as: UTF8.self))
                return
            }
            guard !silences.isEmpty else {
                Console.out(all ? "no silences in the last seven days" : "no silence stands")
                return
            }
            var rows = [["ID", "STATE", "ENDS", "MUTES", "MATCH", "BY", "REASON"]]
            for silence in silences {
                let match = (silence["match"] as? [String: [String]] ?? [:]).sorted { $0.key < $1.key }
                    .flatMap { field, values in values.map { "\(field)=\($0)" } }.joined(separator: " ")
                rows.append([
                    silence["id"] as? String ?? "?", silence["active"] as? Bool == true ? "active" : "ended",
                    silence["ends_at"] as? String ?? "?", silence["breaches"] as? Bool == true ? "warnings,breaches" : "warnings",
                    match, silence["created_by"] as? String ?? "-", silence["reason"] as? String ?? "",
                ])
            }
            let widths = (0..<rows[0].count - 1).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                let padded = row.enumerated().map { column, text in
                    column < widths.count ? text.padding(toLength: widths[column], withPad: " ", startingAt: 0) : text
                }
                Console.out(padded.joined(separator: "  "))
            }
        }
    }

    struct Expire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a silence now; clocks still breached whose news it muted get one catch-up message.")

        @OptionGroup var api: APIOptions

        @Argument(help: "The silence's id, as silence add printed it.")
        var id: String

        func run() async throws {
            guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                Console.error("\"\(id)\" is not a silence id; slawatch silence list shows them")
                throw ExitCode(ExitStatus.usage)
            }
            let answer = try await api.client().call(.delete, "/api/v1/silences/\(id)")
            let silence = answer["silence"] as? [String: Any]
            let end = silence?["ends_at"] as? String ?? "?"
            if answer["expired"] as? Bool == true {
                Console.out("silence \(id) expired at \(end)")
            } else {
                Console.out("silence \(id) had already ended at \(end)")
            }
        }
    }
}

extension SilenceCommand {
    /// The name of the user running the command, from the password database: a shell
    /// without `USER` and `LOGNAME` (cron, some containers) still says who added a silence.
    static func loginName() -> String? {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        let text = String(cString: name)
        return text.isEmpty ? nil : text
    }
}
