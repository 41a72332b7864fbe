import Foundation
import SLAEngine
import Testing
@testable import TicketSources

/// The byte-level ticket reader against `JSONDecoder`, which stays the reference: on varied
/// records, good and bad, the reader either reads the same ticket or leaves the record to
/// `JSONDecoder`, and a file reads to the same tickets and the same problems as when every
/// record went through `JSONDecoder`.
@Suite struct TicketRecordReaderTests {
    static let mapping = CanonicalMapping(statuses: ["waiting": .pendingCustomer], priorities: ["p1": .urgent])

    @Test(arguments: [CanonicalMapping.identity, mapping])
    func agreesWithJSONDecoderOnVariedRecords(mapping: CanonicalMapping) throws {
        var random = Xorshift(seed: 0x5EED_1042)
        let decoder = JSONDecoder()
        decoder.userInfo[.canonicalMapping] = mapping
        let reader = TicketRecordReader(mapping: mapping)
        var readByBoth = 0, leftToDecoder = 0
        for _ in 0..<3000 {
            let (text, wellFormed) = RecordText.random(&random)
            let bytes = Array(text.utf8)
            let reference = try? decoder.decode(Ticket.self, from: Data(bytes))
            let read = bytes.withUnsafeBufferPointer { reader.ticket(in: $0) }
            if let read {
                #expect(read == reference, "\(text)")
                readByBoth += 1
            } else {
                leftToDecoder += 1
                // Every record built only of valid values is read without JSONDecoder.
                #expect(!wellFormed || reference == nil, "left to JSONDecoder: \(text)")
            }
        }
        #expect(readByBoth > 300 && leftToDecoder > 300)
    }

    @Test(arguments: [
        // Keys written twice, escaped keys, lone surrogates, deep nesting, odd numbers:
        // whatever the reader does with them, it must not read a ticket JSONDecoder refuses.
        #"{"id": "A", "id": "B", "status": "open", "created_at": "2026-11-20T16:05:00Z"}"#,
        #"{"id": "A", "status": "open", "created_at": "2026-11-20T16:05:00Z", "x": 1, "x": 2}"#,
        #"{"\u0069d": "A", "status": "open", "created_at": "2026-11-20T16:05:00Z"}"#,
        #"{"id": "A\ud800", "status": "open", "created_at": "2026-11-20T16:05:00Z"}"#,
        #"{"id": "A", "status": "open", "created_at": "2026-11-20T16:05:00Z", "x": "\udc00"}"#,
        #"{"id": "A", "status": "open", "created_at": "2026-11-20T16:05:00Z", "x": 1e400}"#,
        #"{"id": "A", "status": "open", "created_at": "2026-11-20T16:05:00Z", "x": -0.0e-0}"#,
        #"{"id": "A", "status": "open", "created_at": "2026-11-20T16:05:00Z", "x": 123456789012345678901234567890}"#,
        #"{"id": "A", "status": "open", "created_at": "2026-11-20T16:05:00Z", "x": "\u0000"}"#,
        #"{"id": "A", "status": "open", "created_at": "2026-11-20T16:05:00Z", "x": 01}"#,
        #"{"id": "A", "status": "open", "created_at": "2026-11-20T16:05:00Z"} x"#,
        #"{"id": "A", "status": "open", "created_at": "2026-11-20T16:05:00.123+01:00", "events": [{"at": "2026-11-20T16:05:00Z", "type": "status", "status": "open", "status": "solved"}]}"#,
        #"{"id": "A", "status": "open", "created_at": "2026-11-20T16:05:00Z", "customer": {"id": "c", "id": "d"}}"#,
        #"{"id": "A", "status": "open", "created_at": "2026-11-20T16:05:00Z", "x": "# + String(repeating: "[", count: 505) + String(repeating: "]", count: 505) + "}",
        #"{"id": "A", "status": "open", "created_at": "2026-11-20T16:05:00Z", "x": "# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}",
    ])
    func neverReadsWhatJSONDecoderRefuses(text: String) {
        let bytes = Array(text.utf8)
        let reference = try? JSONDecoder().decode(Ticket.self, from: Data(bytes))
        let read = bytes.withUnsafeBufferPointer { TicketRecordReader(mapping: .identity).ticket(in: $0) }
        if let read { #expect(read == reference) }
    }

    @Test func aFileReadsAsWhenEveryRecordWentThroughJSONDecoder() throws {
        var random = Xorshift(seed: 20_261_120)
        // More records than one part, so the file is read in parts on every core.
        let texts = (0..<5000).map { _ in RecordText.random(&random).text }
        // JSON Lines, as some records are not closed (an array would end at the first of them).
        let file = texts.joined(separator: "\n") + "\n"
        let source = FileSource(name: "t", path: "t.json", mapping: Self.mapping)
        let batch = try source.decode(Array(file.utf8))

        let decoder = JSONDecoder()
        decoder.userInfo[.canonicalMapping] = Self.mapping
        var tickets: [Ticket] = [], problems: [RecordProblem] = []
        for (n, text) in texts.enumerated() {
            let data = Data(text.utf8)
            do {
                tickets.append(try decoder.decode(Ticket.self, from: data))
            } catch {
                problems.append(RecordProblem(source: "t", location: "t.json:\(n + 1)",
                                              recordID: FileSource.recordID(in: data), message: FileSource.describe(error)))
            }
        }
        let sameTickets = batch.tickets == tickets, sameProblems = batch.problems == problems
        #expect(sameTickets, "first difference: \(zip(batch.tickets, tickets).first { $0 != $1 }.map { "\($0)" } ?? "in count")")
        #expect(sameProblems, "first difference: \(zip(batch.problems, problems).first { $0 != $1 }.map { "\($0)" } ?? "in count")")
        #expect(problems.count > 100 && tickets.count > 1000)
    }
}

/// Random ticket records as text, each field absent, null, valid or wrong.
enum RecordText {
    /// A record on one line, and whether every field in it was given a valid value.
    static func random(_ random: inout Xorshift) -> (text: String, wellFormed: Bool) {
        var members: [String] = []
        var wellFormed = true
        func field(_ key: String, valid: [String], invalid: [String], optional: Bool) {
            switch random.below(20) {
            case 0 where optional: return
            case 1 where optional: members.append("\"\(key)\": null")
            case 2:
                wellFormed = false
                members.append("\"\(key)\": \(random.pick(invalid + ["null", "1", "true", "{}", "[]"]))")
            default: members.append("\"\(key)\": \(random.pick(valid))")
            }
        }
        field("id", valid: ["\"T-1\"", "\"T-\\u00e9\\ud83d\\ude00\"", "\"T\\\"q\\\\ \\/ \\n\"", "\"ünï\""], invalid: ["42"], optional: false)
        field("subject", valid: strings, invalid: ["[\"x\"]"], optional: true)
        field("customer", valid: customers, invalid: ["{\"name\": \"n\"}", "{\"id\": 7}", "{\"id\": \"c\", \"tier\": 1}"], optional: true)
        field("priority", valid: ["\"urgent\"", "\"high\"", "\"normal\"", "\"low\""], invalid: ["\"p1\"", "\"URGENT\""], optional: true)
        field("channel", valid: strings, invalid: ["2"], optional: true)
        field("status", valid: ["\"new\"", "\"open\"", "\"pending_customer\"", "\"on_hold\"", "\"solved\""], invalid: ["\"waiting\"", "\"Open\""], optional: false)
        field("group", valid: strings, invalid: ["false"], optional: true)
        field("assignee", valid: strings, invalid: ["{\"a\": 1}"], optional: true)
        field("tags", valid: ["[]", "[\"a\", \"b\\u0041\"]", "[ \"x\" ]"], invalid: ["[null]", "[1]", "\"a\""], optional: true)
        field("url", valid: strings, invalid: ["[]"], optional: true)
        field("created_at", valid: instants, invalid: ["\"yesterday\"", "\"2026-11-20\"", "1763654700"], optional: false)
        field("updated_at", valid: instants, invalid: ["\"2026-13-01T00:00:00Z\""], optional: true)
        field("first_response_at", valid: instants, invalid: ["\"2026-11-20T16:05:00\""], optional: true)
        field("solved_at", valid: instants, invalid: ["\"\""], optional: true)
        field("events", valid: (0..<4).map { _ in "[" + (0..<random.below(4)).map { _ in random.pick(events) }.joined(separator: ", ") + "]" },
              invalid: ["[{\"at\": \"2026-11-20T16:05:00Z\", \"type\": \"phone_call\"}]", "[{\"type\": \"customer_message\"}]",
                        "[{\"at\": \"2026-11-20T16:05:00Z\", \"type\": \"agent_reply\", \"public\": \"yes\"}]",
                        "[{\"at\": \"2026-11-20T16:05:00Z\", \"type\": \"status\", \"status\": \"waiting\"}]",
                        "[{\"at\": \"2026-11-20T16:05:00Z\", \"type\": \"priority\"}]", "[null]", "{}"],
              optional: true)
        if random.below(4) == 0 { members.append("\"extra\": \(random.pick(extras))") }
        var order = members
        if random.below(3) == 0 { order.shuffle(using: &random) }
        let spaces = [" ", "", "\t", "  "]
        var text = "{" + order.map { random.pick(spaces) + $0 }.joined(separator: ",") + random.pick(spaces) + "}"
        if random.below(40) == 0 {
            wellFormed = false
            text = random.pick([String(text.dropLast()), text + ",", "[" + text + "]", text.replacingOccurrences(of: ": ", with: " "), "\"T-1\""])
        }
        return (text, wellFormed)
    }

    static let strings = ["\"\"", "\"plain\"", "\"caf\\u00e9 \\ud83d\\ude00\"", "\"tab\\there \\\"q\\\"\"", "\"Brace } and [bracket]\"", "\"日本語\""]
    static let instants = ["\"2026-11-20T16:05:00Z\"", "\"2026-11-20T16:05:00.5+01:00\"", "\"2026-11-20t16:05:59z\"", "\"2026-11-20T16:05:00-05:30\""]
    static let customers = ["{\"id\": \"acme\"}", "{\"id\": \"c\", \"name\": \"N\\u00e9\", \"email\": null, \"tier\": \"enterprise\", \"time_zone\": \"Europe/Berlin\"}",
                            "{\"name\": \"n\", \"id\": \"z\", \"other\": [1, {\"k\": null}]}"]
    static let events = [
        "{\"at\": \"2026-11-20T16:05:00Z\", \"type\": \"customer_message\"}",
        "{\"type\": \"agent_reply\", \"at\": \"2026-11-20T16:20:00Z\", \"public\": true}",
        "{\"at\": \"2026-11-20T16:20:00Z\", \"type\": \"agent_reply\", \"public\": null}",
        "{\"at\": \"2026-11-20T16:20:00Z\", \"type\": \"agent_reply\"}",
        "{\"at\": \"2026-11-20T16:50:00Z\", \"type\": \"status\", \"status\": \"pending_customer\", \"public\": \"ignored\"}",
        "{\"at\": \"2026-11-21T09:30:00Z\", \"type\": \"priority\", \"priority\": \"high\"}",
        "{\"at\": \"2026-11-21T09:30:00Z\", \"type\": \"assignee\", \"assignee\": \"dana\"}",
        "{\"at\": \"2026-11-21T09:30:00Z\", \"type\": \"assignee\", \"assignee\": null}",
        "{\"at\": \"2026-11-21T09:30:00Z\", \"type\": \"group\", \"status\": 5}",
        "{\"at\": \"2026-11-21T09:30:00Z\", \"type\": \"customer_message\", \"status\": \"nonsense\", \"x\": [1.5e-3, -0]}",
    ]
    static let extras = ["1e400", "-0.0", "{\"deep\": [[[{\"a\": [true, false, null]}]]]}", "\"\\u0000\\b\\f\\r\"", "123456789012345678901234567890", "[]"]
}

/// xorshift64*: a small seeded generator, so a failure comes back the same every run.
struct Xorshift: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed | 1 }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}
