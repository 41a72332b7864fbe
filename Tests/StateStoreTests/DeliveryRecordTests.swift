import Foundation
import Testing
@testable import SLAEngine
@testable import StateStore

/// Attempts recorded together: each message's row and one log line per change, in the
/// order the attempts ended, however many deliveries share a statement.
@Suite struct DeliveryRecordTests {
    func message(_ key: String, _ channel: String) -> OutboundMessage {
        OutboundMessage(key: key, channel: channel, subject: "s", text: "t", createdAt: at("2026-11-20T13:00:00Z"))
    }

    @Test(arguments: Backend.allCases) func aBatchOfDeliveriesIsLoggedInOrderWithItsChannels(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        // 40 messages on two channels; d3 was delivered before this batch.
        let keys = (0..<40).map { "d\($0)" }
        try await store.commit(TickCommit(at: at("2026-11-20T13:00:00Z"), messages: keys.map { message($0, $0.hasSuffix("7") ? "hooks" : "leads") }))
        try await store.record([AttemptRecord(key: "d3", at: at("2026-11-20T13:00:01Z"), result: .delivered(detail: nil))], outages: [:])
        // Deliveries in two instants, a detail on some, a retry among them, d3 again and a key never queued.
        var batch: [AttemptRecord] = keys.prefix(20).map { AttemptRecord(key: $0, at: at("2026-11-20T13:00:02Z"), result: .delivered(detail: nil)) }
        batch[5].result = .retry(at: at("2026-11-20T13:01:00Z"), reason: "server_error", detail: "HTTP 503")
        batch.append(AttemptRecord(key: "unknown", at: at("2026-11-20T13:00:02Z"), result: .delivered(detail: nil)))
        batch += keys[20...].map { AttemptRecord(key: $0, at: at("2026-11-20T13:00:03Z"), result: .delivered(detail: "HTTP 200")) }
        try await store.record(batch, outages: [:])

        let logged = try await subject.strings("SELECT key || ' ' || channel || ' ' || at || ' ' || outcome || ' ' || COALESCE(detail, '-') FROM delivery_log ORDER BY id")
        var expected = ["d3 leads 1795179601 delivered -"]
        for n in 0..<20 where n != 3 {
            let channel = n == 7 || n == 17 ? "hooks" : "leads"
            expected.append(n == 5 ? "d5 leads 1795179602 retry:server_error HTTP 503" : "d\(n) \(channel) 1795179602 delivered -")
        }
        for n in 20..<40 {
            expected.append("d\(n) \(n % 10 == 7 ? "hooks" : "leads") 1795179603 delivered HTTP 200")
        }
        #expect(logged == expected)
        #expect(try await store.pendingMessages().map(\.message.key) == ["d5"])
        #expect(try await subject.strings("SELECT COUNT(*) FROM outbox WHERE status = 'delivered' AND attempts = 1") == ["39"])
        #expect(try await subject.strings("SELECT DISTINCT delivered_at FROM outbox WHERE key IN ('d20', 'd39')") == ["1795179603"])
    }

    /// The same message twice in one batch (failed, then delivered on its retry) is recorded
    /// as two attempts in their order, as if recorded one after the other.
    @Test(arguments: Backend.allCases) func aKeyTwiceInABatchIsRecordedTwiceInOrder(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        try await store.commit(TickCommit(at: at("2026-11-20T13:00:00Z"), messages: [message("m", "hooks"), message("n", "hooks")]))
        try await store.record([
            AttemptRecord(key: "m", at: at("2026-11-20T13:00:01Z"), result: .retry(at: at("2026-11-20T13:00:02Z"), reason: "timeout", detail: nil)),
            AttemptRecord(key: "n", at: at("2026-11-20T13:00:01Z"), result: .delivered(detail: nil)),
            AttemptRecord(key: "m", at: at("2026-11-20T13:00:02Z"), result: .delivered(detail: "HTTP 200")),
        ], outages: [:])
        #expect(try await subject.strings("SELECT key || ' ' || outcome FROM delivery_log ORDER BY id") == ["m retry:timeout", "n delivered", "m delivered"])
        #expect(try await subject.strings("SELECT attempts || ' ' || status || ' ' || last_error FROM outbox WHERE key = 'm'") == ["2 delivered timeout"])
    }

    /// A delivery recorded twice in one batch (the same instant and answer) changes the row
    /// and logs it once, as two records in turn would.
    @Test(arguments: Backend.allCases) func aDeliveryRecordedTwiceInABatchIsLoggedOnce(_ backend: Backend) async throws {
        let subject = try await backend.make()
        let store = try await subject.open()
        try await store.commit(TickCommit(at: at("2026-11-20T13:00:00Z"), messages: [message("m", "hooks")]))
        let delivered = AttemptRecord(key: "m", at: at("2026-11-20T13:00:01Z"), result: .delivered(detail: nil))
        try await store.record([delivered, delivered], outages: [:])
        #expect(try await subject.strings("SELECT key || ' ' || outcome FROM delivery_log ORDER BY id") == ["m delivered"])
        #expect(try await subject.strings("SELECT attempts || ' ' || status FROM outbox WHERE key = 'm'") == ["1 delivered"])
    }
}
