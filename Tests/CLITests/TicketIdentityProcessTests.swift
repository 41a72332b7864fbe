import Foundation
import Testing

/// A ticket is (source, id): two sources that both have a ticket `1001` have two tickets,
/// each pinged, each named by its own id and source.
@Suite(.serialized) struct TicketIdentityProcessTests {
    static let at = "2026-11-20T12:00:00Z"

    /// Source `file` (the fixture's) and source `eu`, each with a ticket 1001 two hours old
    /// (first response an hour past due); `eu` reports 1002 twice.
    func fixture() throws -> DaemonFixture {
        func ticket(_ id: String, _ subject: String) -> String {
            """
            {"id": "\(id)", "subject": "\(subject)", "status": "open", "priority": "normal",
             "customer": {"id": "c1"}, "created_at": "2026-11-20T10:00:00Z"}
            """
        }
        let fixture = try DaemonFixture(tickets: "[" + ticket("1001", "Main desk ticket") + "]")
        try ("[" + [ticket("1001", "EU desk ticket"), ticket("1002", "first copy"), ticket("1002", "second copy")].joined(separator: ",") + "]")
            .write(to: fixture.directory.appendingPathComponent("eu.json"), atomically: true, encoding: .utf8)
        let yaml = try String(contentsOfFile: fixture.config, encoding: .utf8).replacingOccurrences(
            of: "    path: tickets.json\n",
            with: "    path: tickets.json\n  - name: eu\n    type: file\n    path: eu.json\n")
        #expect(yaml.contains("name: eu"))
        try yaml.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        return fixture
    }

    @Test func bothTicketsWithOneIdAreBreachedAndPinged() throws {
        let fixture = try fixture()
        #expect(try SlawatchProcess.run(["check", "--config", fixture.config]).status == 0)
        let result = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", Self.at])
        #expect(result.status == 0, "\(result.stderr)")
        // `hooks` has no digest: one breach message per clock.
        let breaches = try fixture.lines().filter { ($0["channel"] as? String) == "hooks" }.flatMap { line in
            (line["tickets"] as? [[String: Any]] ?? []).filter { ($0["step"] as? String) == "breach" && ($0["metric"] as? String) == "first_response" }
        }
        let pinged = breaches.map { "\($0["source"] ?? "?") \($0["id"] ?? "?")" }
        #expect(Set(pinged) == ["file 1001", "eu 1001", "eu 1002"], "\(pinged)")
        #expect(pinged.count == 3, "\(pinged)")
        // The repeated record: the later one is watched, the earlier reported where and why.
        #expect(result.stderr.contains("ticket 1002: the id appears again later in the same source"), "\(result.stderr)")
        let eu1002 = try fixture.lines().first { line in
            (line["tickets"] as? [[String: Any]] ?? []).contains { ($0["id"] as? String) == "1002" }
        }
        #expect((eu1002?["text"] as? String)?.contains("second copy") == true, "\(String(describing: eu1002))")
        // Keys name the source; a second tick sends nothing again.
        let keys = try fixture.lines().compactMap { $0["key"] as? String }
        #expect(keys.contains { $0.hasPrefix("eu:1001/first_response/1/breach") }, "\(keys)")
        #expect(keys.contains { $0.hasPrefix("file:1001/first_response/1/breach") }, "\(keys)")
        let before = try fixture.lines().count
        #expect(try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", Self.at]).status == 0)
        #expect(try fixture.lines().count == before)
    }

    @Test func evaluateNamesTheSourceAndExplainTakesSourceAndId() throws {
        let fixture = try fixture()
        let evaluated = try SlawatchProcess.run(["evaluate", "--config", fixture.config, "--at", Self.at, "--format", "json"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any])
        let clocks = try #require(json["clocks"] as? [[String: Any]])
        let firstResponses = clocks.filter { ($0["metric"] as? String) == "first_response" }.map { "\($0["source"] ?? "?") \($0["ticket"] ?? "?")" }
        #expect(firstResponses.sorted() == ["eu 1001", "eu 1002", "file 1001"])

        let ambiguous = try SlawatchProcess.run(["explain", "--config", fixture.config, "--at", Self.at, "--ticket", "1001"])
        #expect(ambiguous.status == 64)
        #expect(ambiguous.stderr.contains("more than one source"), "\(ambiguous.stderr)")
        #expect(ambiguous.stderr.contains("file:1001") && ambiguous.stderr.contains("eu:1001"), "\(ambiguous.stderr)")
        let keyed = try SlawatchProcess.run(["explain", "--config", fixture.config, "--at", Self.at, "--ticket", "eu:1001"])
        #expect(keyed.status == 0, "\(keyed.stderr)")
        #expect(keyed.stdout.contains("Ticket 1001 from source eu \"EU desk ticket\""), "\(keyed.stdout)")
        // A bare id one source alone has is enough.
        let bare = try SlawatchProcess.run(["explain", "--config", fixture.config, "--at", Self.at, "--ticket", "1002"])
        #expect(bare.status == 0, "\(bare.stderr)")
        #expect(bare.stdout.contains("second copy"), "\(bare.stdout)")
    }
}
