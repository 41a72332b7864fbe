import ArgumentParser
import Foundation
import SLAConfig
import SLAEngine
import TicketSources
import Daemon
import Delivery
import Transport

/// `--config`, shared by every command.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "The configuration file.")
    var config: String = "/etc/slawatch/slawatch.yaml"

    /// Loads and validates the configuration, or prints every problem and exits 78.
    func load() throws -> Configuration {
        do {
            return try Configuration.load(path: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.config)
        }
    }
}

/// `--tickets` and `--at`, for the commands that evaluate tickets.
struct TicketOptions: ParsableArguments {
    @Option(name: .long, help: "A tickets file (JSON array or JSON Lines); default: the configured sources.")
    var tickets: String?

    @Option(name: .long, help: "The instant to evaluate at, RFC 3339 (default: now).")
    var at: String?

    /// The evaluation instant: `--at`, or the real clock's now.
    func instant() throws -> Date {
        guard let at else { return Date() }
        return try TicketOptions.instant(at)
    }

    /// Parses an `--at` value: RFC 3339, from 1970 on (ticket data and the state hold no
    /// earlier instant), or prints why not and exits 64.
    static func instant(_ text: String, option: String = "--at") throws -> Date {
        guard let parsed = Timestamp(rfc3339: text) else {
            Console.error("\(option): \"\(text)\" is not an RFC 3339 time; write it as 2026-11-20T22:00:00Z")
            throw ExitCode(ExitStatus.usage)
        }
        guard parsed.date.timeIntervalSince1970 >= 0 else {
            Console.error("\(option): \"\(text)\" is before 1970; slawatch evaluates instants from 1970-01-01T00:00:00Z on")
            throw ExitCode(ExitStatus.usage)
        }
        return parsed.date
    }

    /// The ticket `option` names: `SOURCE:ID`, or an id that one source alone has; else
    /// prints why not (66 when no ticket has it, 64 when several sources do) and exits.
    static func find(_ option: String, in tickets: [Ticket]) throws -> Ticket {
        if let keyed = tickets.first(where: { $0.key == option }) { return keyed }
        let same = tickets.filter { $0.id == option }
        if same.count == 1 { return same[0] }
        if same.isEmpty {
            Console.error("ticket \(option) is not among the \(tickets.count) tickets read; check the id, or pass SOURCE:ID")
            throw ExitCode(ExitStatus.noInput)
        }
        Console.error("ticket \(option) is in more than one source; pass one of "
            + same.map(\.key).joined(separator: ", "))
        throw ExitCode(ExitStatus.usage)
    }

    /// Reads the tickets from `--tickets`, else from the configured sources, reporting
    /// each skipped record on standard error.
    /// With `requireSome`, a file that yields no ticket and only problems is unreadable (66).
    func read(using configuration: Configuration, requireSome: Bool = false) async throws -> [Ticket] {
        var sources: [any TicketSource] = []
        if let tickets {
            sources = [FileSource(name: "tickets", path: tickets)]
        } else {
            // HTTP sources are read with their own secrets, and no channel's or relay's;
            // cursors are not saved by a one-off read.
            let needsHTTP = configuration.sources.contains { if case .file = $0.kind { false } else { true } }
            var secrets: ResolvedSecrets?
            var transport: CurlTransport?
            if needsHTTP {
                do {
                    secrets = try configuration.resolveSourceSecrets(environment: ProcessInfo.processInfo.environment)
                    transport = try CurlTransport()
                } catch {
                    Console.error("\(error)")
                    throw ExitCode(ExitStatus.config)
                }
            }
            for source in configuration.sources {
                do {
                    // A person waits on these: a long pause is said as it begins.
                    sources.append(try source.reader(
                        secrets: secrets, transport: transport, cursors: InMemoryCursorStore(), onLongWait: { Console.error($0) }))
                } catch {
                    Console.error(error.description)
                    throw ExitCode(ExitStatus.config)
                }
            }
        }
        // All at once, so a slow source costs its own time, not the others' too.
        let readers = sources
        let polled = await withTaskGroup(of: (Int, Result<TicketBatch, any Error>).self) { group in
            for (index, source) in readers.enumerated() {
                group.addTask {
                    // The result is made apart from the return: Swift 6.3's optimizer returned
                    // a corrupt index from `do { return (index, .success(try await …)) } catch
                    // { return (index, .failure(error)) }`, so every release `evaluate` trapped.
                    let result: Result<TicketBatch, any Error>
                    do { result = .success(try await source.poll()) } catch { result = .failure(error) }
                    return (index, result)
                }
            }
            var results = [Result<TicketBatch, any Error>?](repeating: nil, count: readers.count)
            for await (index, result) in group { results[index] = result }
            return results.compactMap { $0 }
        }
        // A source that cannot be read leaves out its tickets, not the others'; none at all is 66.
        if !sources.isEmpty, polled.allSatisfy({ if case .failure = $0 { true } else { false } }) {
            for case .failure(let error) in polled { Console.error("\(error)") }
            throw ExitCode(ExitStatus.noInput)
        }
        var result: [Ticket] = []
        for (source, outcome) in zip(sources, polled) {
            var batch: TicketBatch
            switch outcome {
            case .success(let read): batch = read
            case .failure(let error):
                Console.error("\(error); its tickets are left out")
                continue
            }
            // Tickets from `--tickets` belong to no configured source.
            batch.identify(as: tickets == nil ? source.name : "")
            for problem in batch.problems {
                Console.error(problem.skipsRecord ? "\(problem.description) (record skipped)" : problem.description)
            }
            if requireSome && batch.tickets.isEmpty && !batch.problems.isEmpty {
                Console.error("\(tickets ?? source.name): no ticket could be read; write a JSON array or JSON Lines of canonical tickets")
                throw ExitCode(ExitStatus.noInput)
            }
            if result.isEmpty { result = batch.tickets } else { result += batch.tickets }
        }
        return result
    }
}

/// Writes to standard output and standard error.
enum Console {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Bytes to standard output as they are, for output written in parts.
    static func out(bytes: [UInt8]) throws {
        try FileHandle.standardOutput.write(contentsOf: bytes)
    }
}
