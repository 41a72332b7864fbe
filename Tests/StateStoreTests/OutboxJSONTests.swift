import Foundation
import GRDB
import Testing
@testable import SLAEngine
@testable import StateStore

/// Outbox rows are written by `OutboxJSON`, not `JSONEncoder`: the same JSON, read back by
/// `JSONDecoder`, so rows queued by an earlier slawatch are delivered as they were.
@Suite struct OutboxJSONTests {
    /// Text that needs escaping (U+2028 and U+2029 among it), non-ASCII text, every optional set and unset, fractional dates.
    static let messages: [OutboundMessage] = {
        var notice = OutboundMessage(
            key: "helpdesk:T-1/first_response/1/customer_notice@customers", channel: "customers", audience: .customer,
            isUrgent: true, subject: "Your request \"T-1\" — we're late ✉️",
            text: "Line one\nLine\ttwo with a back\\slash, a / and a bell \u{07}\r\nÉtape 3 \u{1F}end\u{2028}after a line separator\u{2029}",
            html: "<p>Dear customer,</p>\n<p>a &amp; b</p>",
            tickets: [MessageTicket(
                id: "T-1", source: "helpdesk", subject: "Printer \"on fire\"", url: "https://desk.example.com/t/1?a=1&b=2",
                metric: .firstResponse, cycle: 1, step: "customer_notice", dueAt: Date(timeIntervalSince1970: 1_795_000_123.25))],
            recipients: ["ana@example.com", "bo@example.com"], createdAt: Date(timeIntervalSince1970: 1_795_000_200.125))
        notice.retryTo = ["bo@example.com"]
        let digest = OutboundMessage(
            key: "digest@leads/1795000200/9f1c", channel: "leads", role: "lead,manager", subject: "3 tickets need attention",
            text: "", tickets: [
                MessageTicket(id: "T-2", source: "", subject: "", metric: nil, cycle: 2, step: "2", dueAt: nil, risk: .followUps),
                MessageTicket(id: "T-3", source: "mail", subject: "日本語の件名", metric: .resolution, cycle: 3, step: "breach+2h#2",
                              dueAt: Date(timeIntervalSince1970: 0)),
            ], createdAt: Date(timeIntervalSince1970: 1_795_000_200))
        let bare = OutboundMessage(key: "k", channel: "c", subject: "s", text: "t", createdAt: Date(timeIntervalSinceReferenceDate: -1.5))
        return [notice, digest, bare]
    }()

    @Test(arguments: messages) func rowsReadBackAsTheMessage(_ message: OutboundMessage) throws {
        let row = try #require(OutboxJSON.encode(message))
        #expect(try JSONDecoder().decode(OutboundMessage.self, from: row) == message)
    }

    /// The same members with the same values as Foundation's encoder writes (nil left out).
    @Test(arguments: messages) func rowsHoldWhatJSONEncoderWrites(_ message: OutboundMessage) throws {
        let row = try #require(OutboxJSON.encode(message))
        let written = try JSONSerialization.jsonObject(with: row) as? NSDictionary
        let expected = try JSONSerialization.jsonObject(with: JSONEncoder().encode(message)) as? NSDictionary
        #expect(written != nil)
        #expect(written == expected)
    }

    /// Rows written now and rows `JSONEncoder` wrote (slashes escaped) read back as the message
    /// by the outbox's own reader, not by `JSONDecoder`.
    @Test(arguments: messages) func rowsAreReadWithoutJSONDecoder(_ message: OutboundMessage) throws {
        for row in [try #require(OutboxJSON.encode(message)), try JSONEncoder().encode(message)] {
            let read = OutboxJSON.read(row)
            #expect(read == message)
            #expect(try OutboxJSON.message(from: row) == message)
        }
    }

    /// Escapes any JSON writer may use (`\u` with a surrogate pair, `\b`, `\f`, `\/`) and space between tokens.
    @Test func escapesAndSpacingAreRead() throws {
        let row = Data(#"""
            { "key" : "k\u00e9\ud83d\ude00\/x", "channel":"c", "audience":"team", "isUrgent":false,
              "subject":"a\bb\fc", "text":"\"q\"\\", "role":null, "tickets":[ ], "recipients":["r"], "createdAt": -1.5e0 }
            """#.utf8)
        let read = try #require(OutboxJSON.read(row))
        #expect(read.key == "ké😀/x")
        #expect(read.subject == "a\u{08}b\u{0C}c")
        #expect(read.text == #""q"\"#)
        #expect(read.role == nil)
        #expect(read.recipients == ["r"])
        #expect(read.createdAt == Date(timeIntervalSinceReferenceDate: -1.5))
        #expect(try JSONDecoder().decode(OutboundMessage.self, from: row) == read)
    }

    /// A row the reader does not know member for member (a member it has never seen) is still
    /// read, by `JSONDecoder`; a row that is no message fails.
    @Test func rowsItDoesNotKnowFallBackToJSONDecoder() throws {
        let unknown = Data(#"{"key":"k","channel":"c","audience":"team","isUrgent":true,"subject":"s","text":"t","tickets":[],"recipients":[],"createdAt":0,"priority":3}"#.utf8)
        #expect(OutboxJSON.read(unknown) == nil)
        #expect(try OutboxJSON.message(from: unknown).isUrgent)
        for broken in [#"{"key":"k""#, #"{"key":"k\q","channel":"c"}"#, #"{"key":7}"#, "[]", ""] {
            let row = Data(broken.utf8)
            #expect(OutboxJSON.read(row) == nil)
            #expect(throws: (any Error).self) { try OutboxJSON.message(from: row) }
        }
        let loneSurrogate = Data(#"{"key":"\ud83d","channel":"c","audience":"team","isUrgent":true,"subject":"s","text":"t","tickets":[],"recipients":[],"createdAt":0}"#.utf8)
        #expect(OutboxJSON.read(loneSurrogate) == nil)
    }

    /// A row queued by an earlier slawatch (written by `JSONEncoder`, slashes escaped) is
    /// still delivered, beside one written now.
    @Test func rowsQueuedByJSONEncoderAreStillDelivered() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-json-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.db").path
        let old = OutboxJSONTests.messages[0]
        let new = OutboxJSONTests.messages[1]
        do {
            let store = try StateStore(path: path)
            try store.commit(TickCommit(at: new.createdAt, messages: [new]))
        }
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO outbox (key, channel, message, status, attempts, next_attempt_at, created_at)
                VALUES (?, ?, ?, 'pending', 0, ?, ?)
                """, arguments: [old.key, old.channel, try JSONEncoder().encode(old), 1_795_000_000, 1_795_000_000])
        }
        try queue.close()
        let pending = try StateStore(path: path).pendingMessages().map(\.message)
        #expect(pending == [old, new])
    }
}
