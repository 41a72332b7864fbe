import ArgumentParser
import Foundation
import Logging
import SLAConfig
import StateStore

/// `slawatch state`: the state database itself.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Work on the state database.",
        subcommands: [StateCopyCommand.self]
    )
}

/// `slawatch state copy --from FILE --to URL`: moves a SQLite state into PostgreSQL.
struct StateCopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a SQLite state file into an empty PostgreSQL database.",
        discussion: """
            Stop the daemon first: a file a daemon runs on is refused. The file is read, never \
            changed; the database gets the slawatch schema and every row (ladder progress, the \
            outbox with its schedule, the delivery log, breaches, cursors, outages, clock \
            outcomes) in one transaction, so a copy that fails leaves it empty. Each table's rows \
            are counted as it is done. Then point `state:` at the URL and start the daemons.
            """
    )

    @Option(help: "The SQLite state file to copy.")
    var from: String

    @Option(help: "The PostgreSQL database: postgresql://USER@HOST:PORT/DB (libpq's URL rules).")
    var to: String

    @Option(help: "A file holding the database user's password (else the URL's, if any).")
    var passwordFile: String?

    func run() async throws {
        let url: PostgresURL
        do {
            url = try PostgresURL(parsing: to)
        } catch {
            Console.error("--to: \(error.message); write postgresql://USER@HOST:PORT/DATABASE")
            throw ExitCode(ExitStatus.usage)
        }
        var password = url.password
        if let passwordFile {
            guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                Console.error("--password-file: \(passwordFile) cannot be read")
                throw ExitCode(ExitStatus.noInput)
            }
            password = text.hasSuffix("\n") ? String(text.dropLast()) : text
        }
        do {
            let source = try StateStore(readingOnly: from, stopped: true)
            let target = try await PostgresStateStore(
                endpoint: url.endpoint(password: password), instance: "slawatch-copy-\(getpid())", fenced: false,
                logger: Logger(label: "slawatch"))
            defer { Task { await target.close() } }
            // Each table's count as it is done: a large state takes a while, and all of it is
            // committed at the end, or none.
            _ = try await target.copy(from: source) { table, rows in Console.out("\(table): \(rows)") }
            Console.out("copied \(from) into \(url)")
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.unavailable)
        }
    }
}
