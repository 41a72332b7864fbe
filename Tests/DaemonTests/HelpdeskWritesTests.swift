import Foundation
import Logging
import SLAEngine
import Synchronization
import Testing
import TicketSources
@testable import Daemon

/// The helpdesk's queue alone: a writer that answers as told, no sockets, no waiting.
@Suite struct HelpdeskWritesTests {
    /// Answers each change with the next outcome set for it (success when none is left).
    final class ScriptedWriter: TicketWriter {
        let name = "desk"
        let outcomes = Mutex<[String: [SourceError?]]>([:])
        let made = Mutex<[String]>([])

        func answer(_ key: String, with errors: [SourceError?]) { outcomes.withLock { $0[key] = errors } }

        private func attempt(_ key: String) throws(SourceError) {
            let error = outcomes.withLock { outcomes -> SourceError? in
                guard var queue = outcomes[key], !queue.isEmpty else { return nil }
                let first = queue.removeFirst()
                outcomes[key] = queue
                return first
            }
            if let error { throw error }
            made.withLock { $0.append(key) }
        }

        func setPriority(_ ticketID: String, _ priority: TicketPriority) async throws(SourceError) {
            try attempt("\(ticketID) priority \(priority.rawValue)")
        }

        func addTag(_ ticketID: String, _ tag: String) async throws(SourceError) {
            try attempt("\(ticketID) tag \(tag)")
        }
    }

    static func error(_ code: SourceError.Code, recoverable: Bool, retryAfter: TimeInterval? = nil) -> SourceError {
        SourceError(code: code, source: "desk", host: "desk.example", message: "as scripted", recoverable: recoverable, retryAfter: retryAfter)
    }

    static let changes: [HelpdeskWrites.Change] = [
        .init(source: "desk", ticketID: "42", what: .priority(.urgent), step: "breach"),
        .init(source: "desk", ticketID: "42", what: .tag("sla-breached"), step: "breach"),
    ]

    /// A queue over `writer` for the source "desk" (then over `reloaded`, when given, as
    /// after a reload) that has made `changes` and attempted each once.
    static func attempted(
        by writer: ScriptedWriter, reloadedTo reloaded: [String: any TicketWriter]? = nil
    ) async -> HelpdeskWrites {
        let queue = HelpdeskWrites(logger: Logger(label: "test"), writers: ["desk": writer])
        if let reloaded { await queue.use(reloaded) }
        await queue.make(changes)
        await queue.attemptDue()
        return queue
    }

    /// A refused priority skipped the step's tag.
    @Test func aRefusedChangeSkipsNoOther() async {
        let writer = ScriptedWriter()
        writer.answer("42 priority urgent", with: [Self.error(.clientError, recoverable: false)])
        let queue = await Self.attempted(by: writer)
        #expect(writer.made.withLock { $0 } == ["42 tag sla-breached"])
        // Refused: dropped, not tried again.
        #expect(await queue.waiting.isEmpty)
    }

    /// A failure that may pass (a 5xx, a timeout) was never tried again.
    @Test func aRecoverableFailureWaitsForItsRetry() async {
        let writer = ScriptedWriter()
        writer.answer("42 tag sla-breached", with: [Self.error(.serverError, recoverable: true)])
        let queue = await Self.attempted(by: writer)
        #expect(writer.made.withLock { $0 } == ["42 priority urgent"])
        #expect(await queue.waiting == [Self.changes[1]])
        // Not due again at once; queued again while it waits, it is there once.
        await queue.attemptDue()
        await queue.make([Self.changes[1]])
        #expect(await queue.waiting == [Self.changes[1]])
        #expect(writer.made.withLock { $0 } == ["42 priority urgent"])
    }

    @Test func aChangeOfASourceThatNoLongerWritesBackIsDropped() async {
        let writer = ScriptedWriter()
        let queue = await Self.attempted(by: writer, reloadedTo: [:])
        #expect(await queue.waiting.isEmpty)
        #expect(writer.made.withLock { $0 }.isEmpty)
    }

    /// A daemon that stops leading leaves the helpdesk to the new leader: nothing waits.
    @Test func stoppedItForgetsWhatWaits() async {
        let writer = ScriptedWriter()
        writer.answer("42 tag sla-breached", with: [Self.error(.timeout, recoverable: true)])
        let queue = await Self.attempted(by: writer)
        #expect(await queue.waiting == [Self.changes[1]])
        await queue.stop()
        #expect(await queue.waiting.isEmpty)
    }

    @Test func pausesDoubleFromThirtySecondsToFifteenMinutesOrWhatTheHelpdeskAsks() {
        #expect((1...7).map { HelpdeskWrites.pause(after: $0, asked: nil) } == [30, 60, 120, 240, 480, 900, 900].map { Duration.seconds($0) })
        #expect(HelpdeskWrites.pause(after: 1, asked: 300) == .seconds(300))
        #expect(HelpdeskWrites.pause(after: 6, asked: 10) == .seconds(900))
    }
}
