import Foundation
import Testing
@testable import SLAEngine
@testable import TicketSources

private func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
}

@Suite struct FileSourceTests {
    @Test func aBadRecordInAnArrayIsReportedByLineAndTheRestStillCount() throws {
        let path = fixture("mixed.json")
        let batch = try FileSource(name: "demo", path: path).read()
        #expect(batch.tickets.map(\.id) == ["T-1", "T-3"])
        #expect(batch.problems.map(\.location) == ["\(path):4", "\(path):9", "\(path):10", "\(path):11"])
        #expect(batch.problems.map(\.recordID) == ["T-2", "T-4", nil, "T-6"])
        let messages = batch.problems.map(\.message)
        #expect(messages[0].contains("created_at") && messages[0].contains("\"yesterday\" is not an RFC 3339 time"))
        #expect(messages[1].contains("status") && messages[1].contains("\"waiting\" is not a canonical status"))
        #expect(messages[2] == "missing \"id\"")
        #expect(messages[3].contains("events[0].type") && messages[3].contains("unknown event type \"phone_call\""))
        // The record with braces inside a string was split correctly and decoded whole.
        let t3 = batch.tickets[1]
        #expect(t3.subject == "Brace } and [bracket] in a \"string\"")
        #expect(t3.createdAt == Timestamp(rfc3339: "2026-11-20T16:00:00Z")!.date)
        #expect(t3.status == .pendingCustomer)
        #expect(t3.events.count == 1)
    }

    @Test func jsonLinesSkipBlankLinesAndReportBadOnes() throws {
        let path = fixture("tickets.jsonl")
        let batch = try FileSource(name: "demo", path: path).read()
        #expect(batch.tickets.map(\.id) == ["L-1", "L-4"])
        #expect(batch.problems.map(\.location) == ["\(path):3", "\(path):4"])
        #expect(batch.problems[0].recordID == "L-2")
        #expect(batch.problems[0].message.contains("\"p1\" is not a canonical priority"))
        #expect(batch.problems[1].message.hasPrefix("not a JSON object"))
        // Fractions of a second are dropped.
        #expect(batch.tickets[1].solvedAt == Timestamp(rfc3339: "2026-11-20T18:00:00Z")!.date)
    }

    /// A line holding a JSON value that is not an object was reported as `FILE:N: : expected
    /// an object`, with an empty field path.
    @Test func aLineThatIsNotAnObjectSaysSoWithoutAFieldPath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-objects-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
            "T-1"
            [1, 2]
            null
            {"id": "T-2", "created_at": "2026-11-20T16:00:00Z", "status": "open", "priority": "high"}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let batch = try FileSource(name: "demo", path: path).read()
        #expect(batch.tickets.map(\.id) == ["T-2"])
        #expect(batch.problems.map(\.location) == ["\(path):1", "\(path):2", "\(path):3"])
        let notObject = "the record is not a JSON object; write each ticket as {\"id\": …, \"created_at\": …}"
        #expect(batch.problems.map(\.message) == [notObject, notObject, "the record is null; write each ticket as {\"id\": …, \"created_at\": …}"])
        #expect(batch.problems.allSatisfy { !$0.description.contains(": : ") })
    }

    /// A repeated id was reported without a line: in a large file, the two records had to be searched for.
    @Test func aRepeatedIdIsReportedAtBothLines() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("repeated-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let record = { (id: String, subject: String) in
            #"{"id": "\#(id)", "subject": "\#(subject)", "created_at": "2026-11-20T16:00:00Z", "status": "open", "priority": "high"}"#
        }
        try [record("T-1", "first"), record("T-2", "other"), "", record("T-1", "second")].joined(separator: "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        var batch = try FileSource(name: "demo", path: path).read()
        batch.identify(as: "demo")
        #expect(batch.tickets.map(\.subject) == ["other", "second"])
        #expect(batch.problems.map(\.description) == [
            "\(path):1: ticket T-1: the id appears again later in the same source (line 4); the later record is used",
        ])
    }

    @Test func statusAndPriorityMapsTranslateTheSourcesOwnValues() throws {
        let path = fixture("tickets.jsonl")
        let mapping = CanonicalMapping(statuses: [:], priorities: ["p1": .urgent])
        let batch = try FileSource(name: "demo", path: path, mapping: mapping).read()
        #expect(batch.tickets.map(\.id) == ["L-1", "L-2", "L-4"])
        #expect(batch.tickets[1].priority == .urgent)
    }

    /// The message a file fails with, or nil when it reads.
    private func failure(_ text: String) -> String? {
        do {
            _ = try FileSource(name: "demo", path: "inline.json").decode(Array(text.utf8))
            return nil
        } catch {
            return error.description
        }
    }

    @Test func anUnclosedRecordFailsTheFileNamingItsLine() {
        #expect(failure("[\n {\"id\": \"A\", \"status\": \"open\",\n  \"created_at\": \"2026-11-20T16:05:00Z\"")
            == "inline.json:2: the record starting here is not closed; check its braces; no ticket of the file was read")
    }

    /// A file cut short, say while it is rewritten: not a file of fewer tickets.
    @Test func anArrayWithoutItsClosingBracketFailsTheFileNamingItsEnd() {
        let text = "[\n" + ["A", "B"].map { "{\"id\": \"\($0)\", \"status\": \"open\", \"created_at\": \"2026-11-20T16:05:00Z\"}" }
            .joined(separator: ",\n")
        #expect(failure(text) == "inline.json:3: the array is not closed; end it with ]; no ticket of the file was read")
    }

    @Test func aStringNotClosedFailsTheFileNamingItsLine() {
        let text = """
            [
             {"id": "A", "status": "open", "created_at": "2026-11-20T16:05:00Z"},
             {"id": "B", "status": "open", "created_at": "2026-11-20T16:05:00Z", "subject": "unterminated},
             {"id": "C", "status": "open", "created_at": "2026-11-20T16:05:00Z"}
            ]
            """
        #expect(failure(text) == "inline.json:3: a string on this line is not closed; check its quotes; no ticket of the file was read")
    }

    /// A line break inside a string whose record still closes is that record's problem alone.
    @Test func aLineBreakInsideAStringOfAClosedRecordSkipsThatRecordOnly() throws {
        let text = """
            [
             {"id": "A", "status": "open", "created_at": "2026-11-20T16:05:00Z", "subject": "two
            lines"},
             {"id": "B", "status": "open", "created_at": "2026-11-20T16:05:00Z"}
            ]
            """
        let batch = try FileSource(name: "demo", path: "inline.json").decode(Array(text.utf8))
        #expect(batch.tickets.map(\.id) == ["B"])
        #expect(batch.problems.map(\.location) == ["inline.json:2"])
    }

    @Test func anEmptyFileOrArrayHasNoTickets() throws {
        let source = FileSource(name: "demo", path: "inline.json")
        #expect(try source.decode(Array("".utf8)).tickets.isEmpty)
        #expect(try source.decode(Array("  [ ]\n".utf8)).problems.isEmpty)
    }

    @Test func aMissingFileIsAnErrorNamingThePath() {
        #expect(throws: FileSource.ReadError.self) {
            try FileSource(name: "demo", path: "/nonexistent/tickets.json").read()
        }
    }

    /// `/dev/null` (a device) was "cannot read"; a pipe or a device is read to its end, and
    /// a directory is named as one.
    @Test func aDeviceIsReadToItsEndAndADirectoryIsNamed() throws {
        #expect(try FileSource(name: "demo", path: "/dev/null").read().tickets.isEmpty)
        let directory = FileManager.default.temporaryDirectory.path
        let error = #expect(throws: FileSource.ReadError.self) { try FileSource(name: "demo", path: directory).read() }
        #expect(error?.description == "\(directory): this is a directory; name the tickets file in it")
    }

    @Test func ticketsRoundTripThroughTheCanonicalFormat() throws {
        let path = fixture("mixed.json")
        let tickets = try FileSource(name: "demo", path: path).read().tickets
        let data = try JSONEncoder().encode(tickets)
        let again = try JSONDecoder().decode([Ticket].self, from: data)
        #expect(again == tickets)
    }
}

extension FileSourceTests {
    @Test func aByteThatIsNotUTF8IsReportedWithItsLineAndColumn() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-latin1-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bytes = Array("""
            [
             {"id": "U-1", "status": "open", "created_at": "2026-11-20T16:00:00Z"},
             {"id": "U-2", "status": "open", "created_at": "2026-11-20T16:00:00Z",
              "subject": "Caf
            """.utf8)
        bytes.append(0xE9)  // é in Latin-1
        bytes += Array("\"}\n]\n".utf8)
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let batch = try FileSource(name: "demo", path: path).read()
        #expect(batch.tickets.map(\.id) == ["U-1"])
        let problem = try #require(batch.problems.first)
        #expect(batch.problems.count == 1)
        #expect(problem.location == "\(path):4")
        #expect(problem.recordID == nil)
        #expect(problem.message == "byte 0xE9 at line 4, column 18 is not UTF-8; save the file as UTF-8 text")
    }
}
