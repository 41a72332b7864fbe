import Foundation
import Logging
import Synchronization
import StateStore
import Testing
@testable import Daemon
import SLAConfig
import SLAEngine
import TicketSources

/// How a poll's problems reach the log: a bad record as a skipped record with its ticket,
/// a problem with the source itself (a refused cursor) without a made-up ticket.
@Suite struct SourceProblemLogTests {
    /// Every message logged, with its metadata.
    final class Lines: Sendable {
        let lines = Mutex<[(message: String, level: Logger.Level, metadata: Logger.Metadata)]>([])
    }

    struct Capture: LogHandler {
        let into: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            into.lines.withLock { $0.append((event.message.description, event.level, event.metadata ?? [:])) }
        }
    }

    struct Problems: TicketSource {
        let name = "desk"
        func poll() async throws -> TicketBatch {
            TicketBatch(tickets: [], problems: [
                RecordProblem(source: "desk", recordID: "T-7", message: "\"status\" is not a known status"),
                RecordProblem(source: "desk", message: "Zendesk refused the saved export cursor; restarted the export"),
            ])
        }
    }

    /// A watcher of one file source named desk, read by `reader`, logging into `captured`.
    static func watcher(reading reader: any TicketSource, into captured: Lines) throws -> Watcher {
        let configuration = try Configuration.parse(yaml: """
            sources:
              - { name: desk, type: file, path: tickets.json }
            policies:
              - name: all
                targets: { any: { first_response: 1h } }
            """, file: "slawatch.yaml", baseDirectory: "/tmp")
        return Watcher(
            configuration: configuration, templates: try MessageTemplates(directory: nil), store: DryRunLog(base: nil) { _ in },
            sources: [Watcher.Source(config: configuration.sources[0], reader: reader)], dispatcher: nil,
            logger: Logger(label: "test") { _ in Capture(into: captured) }
        )
    }

    @Test func recordsAndTheSourceAreToldApart() async throws {
        let captured = Lines()
        let watcher = try Self.watcher(reading: Problems(), into: captured)
        let report = try await watcher.tick(at: Date(timeIntervalSince1970: 1_795_000_000))
        #expect(report.problems.count == 2)
        let lines = captured.lines.withLock { $0 }.filter { $0.metadata["source"] == "desk" }
        #expect(lines.map(\.message) == ["record skipped", "source problem"])
        #expect(lines[0].metadata["ticket"] == "T-7")
        #expect(lines[1].metadata["ticket"] == nil)
    }

    /// The same problems at every poll of an unchanged file: warned once while they last,
    /// then at debug; a problem that goes and comes back is warned again.
    @Test func aProblemRepeatedByTheNextPollIsWarnedOnce() async throws {
        final class Polls: Sendable {
            let left: Mutex<[[RecordProblem]]>
            init(_ polls: [[RecordProblem]]) { left = Mutex(polls) }
        }
        struct Scripted: TicketSource {
            let name = "desk"
            let polls: Polls
            func poll() async throws -> TicketBatch { TicketBatch(tickets: [], problems: polls.left.withLock { $0.removeFirst() }) }
        }
        let t7 = RecordProblem(source: "desk", recordID: "T-7", message: "\"status\" is not a known status")
        let t8 = RecordProblem(source: "desk", recordID: "T-8", message: "\"priority\" is not a known priority")
        let problems = Polls([[t7], [t7, t8], [t8], [t7, t8]])
        let captured = Lines()
        let watcher = try Self.watcher(reading: Scripted(polls: problems), into: captured)
        var warned: [[String]] = []
        for poll in 0..<4 {
            captured.lines.withLock { $0.removeAll() }
            let report = try await watcher.tick(at: Date(timeIntervalSince1970: 1_795_000_000 + Double(poll) * 60), forcePoll: true)
            #expect(report.problems.count == [1, 2, 1, 2][poll])
            warned.append(captured.lines.withLock { $0 }.filter { $0.message == "record skipped" && $0.level == .warning }
                .compactMap { $0.metadata["ticket"]?.description })
        }
        #expect(warned == [["T-7"], ["T-8"], [], ["T-7"]])
    }
}
