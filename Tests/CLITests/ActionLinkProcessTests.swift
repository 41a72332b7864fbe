import Foundation
import Glibc
import Testing

/// The signed acknowledge link, through the real daemon: read from the `log` channel,
/// opened (GET changes nothing), posted (the ladder holds), posted again (already
/// acknowledged), the hold surviving SIGKILL, and the ladder resuming once when it ends.
@Suite(.serialized) struct ActionLinkProcessTests {
    static let key = "k3y-for-signing-links-0123456789abcdef-ACK"
    static let otherKey = "another-key-nobody-configured-0123456789abcdef"

    /// A free loopback port: bound, read and released.
    static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    struct Fixture {
        let directory: URL
        let port: Int
        var config: String { directory.appendingPathComponent("slawatch.yaml").path }
        var state: String { directory.appendingPathComponent("state.db").path }

        init(created: Date) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-acks-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            port = ActionLinkProcessTests.freePort()
            let stamp = ISO8601DateFormatter().string(from: created)
            try """
                [{"id": "T-1", "subject": "Card payments fail", "status": "open", "priority": "high", "created_at": "\(stamp)"},
                 {"id": "T-2", "subject": "Other ticket", "status": "open", "priority": "low", "created_at": "\(stamp)"}]
                """.write(to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
            try (ActionLinkProcessTests.key + "\n").write(to: directory.appendingPathComponent("action-key"), atomically: true, encoding: .utf8)
            try """
                state: state.db
                poll_interval: 10m
                listen: 127.0.0.1:\(port)
                public_url: http://127.0.0.1:\(port)
                actions:
                  key_file: action-key
                  ack_for: 1h
                sources:
                  - { name: desk, type: file, path: tickets.json }
                policies:
                  - name: all
                    match: { priority: high }
                    targets: { any: { first_response: 16s } }
                teams:
                  default: { lead: [leads], manager: [managers], director: [directors] }
                ladders:
                  default:
                    - { at: 10%, notify: lead }
                    - { at: 50%, notify: manager }
                    - { at: 75%, notify: director }
                channels:
                  leads: { type: log, path: out/leads.jsonl }
                  managers: { type: log, path: out/managers.jsonl }
                  directors: { type: log, path: out/directors.jsonl }
                """.write(toFile: config, atomically: true, encoding: .utf8)
        }

        func lines(_ channel: String) -> [[String: Any]] {
            let path = directory.appendingPathComponent("out/\(channel).jsonl").path
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        func request(_ method: String, _ url: String, form: String? = nil) throws -> (status: Int, body: String) {
            let result = try SlawatchProcess.runTool(
                "/usr/bin/python3", [SlawatchProcess.fixture("action_client.py"), "request", method, url] + (form.map { [$0] } ?? []))
            let parts = result.stdout.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            return (Int(parts.first ?? "") ?? -1, parts.count > 1 ? String(parts[1]) : "")
        }

        func sign(_ key: String, ticket: String = "T-1", action: String = "ack", expiry: Date) throws -> String {
            let result = try SlawatchProcess.runTool("/usr/bin/python3", [
                SlawatchProcess.fixture("action_client.py"), "sign", key, "desk", ticket, "first_response", "1", action,
                String(Int(expiry.timeIntervalSince1970)),
            ])
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Rows of the state, read with Python's sqlite3.
        func query(_ sql: String) throws -> [String] {
            try SlawatchProcess.runTool("/usr/bin/python3", [
                "-c", "import sqlite3,sys\nfor row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print('|'.join(map(str,row)))",
                state, sql,
            ]).stdout.split(separator: "\n").map(String.init)
        }

        func waitFor(_ seconds: Double, _ condition: () -> Bool) -> Bool {
            let deadline = Date(timeIntervalSinceNow: seconds)
            while Date() < deadline {
                if condition() { return true }
                usleep(50_000)
            }
            return condition()
        }
    }

    @Test func anAcknowledgedLadderHoldsSurvivesAKillAndResumesOnce() throws {
        // first_response 16 s: 10% (lead) at 1.6 s, 50% (manager) at 8 s, 75% (director) at 12 s.
        let created = Date(timeIntervalSinceNow: -2)
        let fixture = try Fixture(created: created)
        var daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { daemon.terminate() }

        #expect(fixture.waitFor(10) { !fixture.lines("leads").isEmpty })
        let lead = try #require(fixture.lines("leads").first)
        let item = try #require((lead["tickets"] as? [[String: Any]])?.first)
        let ackURL = try #require(item["ack_url"] as? String)
        #expect(ackURL.hasPrefix("http://127.0.0.1:\(fixture.port)/a/1."))
        #expect((item["snooze_url"] as? String)?.hasPrefix("http://127.0.0.1:\(fixture.port)/a/1.") == true)

        // GET shows the page and changes nothing.
        let page = try fixture.request("GET", ackURL)
        #expect(page.status == 200)
        #expect(page.body.contains("T-1") && page.body.contains("Card payments fail") && page.body.contains("<form method=\"post\">"))
        #expect(try fixture.query("SELECT count(*) FROM clock_hold") == ["0"])

        // POST acts; a second POST says who already did.
        let posted = try fixture.request("POST", ackURL, form: "by=dana&for=8s")
        #expect(posted.status == 200)
        #expect(posted.body.contains("Acknowledged by dana"))
        let again = try fixture.request("POST", ackURL, form: "by=erin")
        #expect(again.status == 200)
        #expect(again.body.contains("Already acknowledged by dana"))
        #expect(try fixture.query("SELECT ticket_id, source, metric, cycle, kind, by_name, via FROM clock_hold")
                == ["T-1|desk|first_response|1|ack|dana|link"])

        // The hold survives SIGKILL and restart.
        #expect(daemon.terminate(SIGKILL) == SIGKILL)
        daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])

        // The lead, already pinged, hears who acknowledged; nobody above is pinged while held.
        #expect(fixture.waitFor(5) { fixture.lines("leads").contains { ($0["subject"] as? String)?.contains("acknowledged by dana") == true } })
        let until = try #require(try fixture.query("SELECT until FROM clock_hold").first.flatMap { Double($0) })
        let heldUntil = Date(timeIntervalSince1970: until)
        #expect(fixture.waitFor(8) { Date() > heldUntil.addingTimeInterval(-0.5) })
        #expect(fixture.lines("managers").isEmpty, "a manager was pinged while the ladder was held")

        // The hold ends with the clock open: the 50% step reached meanwhile goes out once, naming dana.
        #expect(fixture.waitFor(6) { !fixture.lines("managers").isEmpty })
        usleep(1_500_000)
        let managers = fixture.lines("managers")
        #expect(managers.count == 1)
        let resumed = try #require(managers.first)
        #expect((resumed["text"] as? String)?.contains("Acknowledged by dana at") == true)
        let sentAt = try #require(ISO8601DateFormatter().date(from: resumed["at"] as? String ?? ""))
        #expect(sentAt >= heldUntil)
        #expect(fixture.lines("leads").filter { ($0["subject"] as? String)?.contains("acknowledged") == true }.count == 1)

        // Forged links: a byte flipped in each part, another key, an expired link, another
        // ticket's id under this signature: 403, and the state is unchanged.
        let holdsBefore = try fixture.query("SELECT * FROM clock_hold")
        let token = String(ackURL.split(separator: "/").last!)
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var forged: [String] = []
        for index in parts.indices {
            var part = Array(parts[index].utf8)
            part[0] = part[0] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            var copy = parts
            copy[index] = String(decoding: part, as: UTF8.self)
            forged.append(copy.joined(separator: "."))
        }
        forged.append(try fixture.sign(Self.otherKey, expiry: Date(timeIntervalSinceNow: 3600)))
        forged.append(try fixture.sign(Self.key, expiry: Date(timeIntervalSinceNow: -60)))
        var otherTicket = parts
        otherTicket[3] = Data("T-2".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        forged.append(otherTicket.joined(separator: "."))
        forged.append(token + "/extra")
        for link in forged {
            #expect(try fixture.request("POST", "http://127.0.0.1:\(fixture.port)/a/\(link)", form: "by=mallory").status == 403, "\(link)")
        }
        #expect(try fixture.query("SELECT * FROM clock_hold") == holdsBefore)
        // A link signed elsewhere with the configured key, by the documented format, verifies.
        let valid = try fixture.sign(Self.key, ticket: "T-1", action: "snooze", expiry: Date(timeIntervalSinceNow: 600))
        #expect(try fixture.request("GET", "http://127.0.0.1:\(fixture.port)/a/\(valid)").status == 200)
        // A valid link about a ticket the daemon does not see holds nothing: 404, no form, nothing recorded.
        let unknown = try fixture.sign(Self.key, ticket: "T-404", expiry: Date(timeIntervalSinceNow: 600))
        let unknownPage = try fixture.request("GET", "http://127.0.0.1:\(fixture.port)/a/\(unknown)")
        #expect(unknownPage.status == 404 && !unknownPage.body.contains("<form") && unknownPage.body.contains("Nothing to hold"))
        #expect(try fixture.request("POST", "http://127.0.0.1:\(fixture.port)/a/\(unknown)", form: "by=dana").status == 404)
        #expect(try fixture.query("SELECT * FROM clock_hold") == holdsBefore)
        // More than 20 failures a minute from one address: 429.
        var statuses: [Int] = []
        for _ in 0..<(22 - forged.count) {
            statuses.append(try fixture.request("GET", "http://127.0.0.1:\(fixture.port)/a/x").status)
        }
        #expect(statuses.last == 429)

        // No key in any log line or page.
        daemon.terminate()
        for output in [daemon.stdout, daemon.stderr, page.body, posted.body] {
            #expect(!output.contains(Self.key))
        }
    }
}
