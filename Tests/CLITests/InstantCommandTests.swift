import Foundation
import Testing

/// `evaluate`, `explain` and `render` at chosen instants, on the configured sources.
@Suite struct InstantCommandTests {
    let config = SlawatchProcess.fixture("slawatch.yaml")
    let tickets = SlawatchProcess.fixture("tickets.json")
    let renderConfig = SlawatchProcess.fixture("render.yaml")
    let renderTickets = SlawatchProcess.fixture("render-tickets.json")

    /// A configuration reading `tickets.json` through a file source, whose channels and
    /// relay name secrets that are nowhere to be found.
    func configuredSource(extraSource: String = "") throws -> DaemonFixture {
        try DaemonFixture(tickets: staggeredTickets(count: 2, base: ISO8601DateFormatter().date(from: "2026-11-20T12:00:00Z")!), extraConfig: """
              slack-leads: { type: slack, url: "${NO_SUCH_SLACK_HOOK}" }
              signed: { type: webhook, url_file: missing/webhook-url, headers: { Authorization: "Bearer ${NO_SUCH_TOKEN}" } }
              mail: { type: email, relay: main, to: [lead@example.com] }
            relays:
              main:
                url: smtp://smtp.example.invalid:587
                username: slawatch
                password_file: missing/smtp-password
                from: "Support <support@example.com>"
            \(extraSource)
            """)
    }

    /// Serves `tickets.json` of `fixture` over HTTP on loopback; prints `PORT n` first.
    func ticketServer(_ fixture: DaemonFixture) throws -> SlawatchProcess.Running {
        try SlawatchProcess.start("/usr/bin/python3", ["-c", """
            import http.server, functools, sys, threading
            handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
            handler.log_message = lambda *a: None
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            print("PORT", server.server_address[1], flush=True)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            sys.stdin.read()
            """, fixture.directory.path])
    }

    @Test(arguments: ["evaluate", "explain"])
    func theConfiguredSourceIsReadWithoutChannelOrRelaySecrets(_ command: String) throws {
        let fixture = try configuredSource()
        let server = try ticketServer(fixture)
        defer { server.terminate(SIGKILL) }
        #expect(server.waitForLine(containing: "PORT"))
        let port = server.stdout.split(separator: " ").last!.trimmingCharacters(in: .whitespacesAndNewlines)
        try "source-token\n".write(toFile: fixture.directory.appendingPathComponent("source-token").path, atomically: true, encoding: .utf8)
        let yaml = try String(contentsOfFile: fixture.config, encoding: .utf8).replacingOccurrences(of: """
                type: file
                path: tickets.json
            """, with: """
                type: http-json
                url: http://127.0.0.1:\(port)/tickets.json
                bearer_file: source-token
            """)
        try yaml.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        #expect(try SlawatchProcess.run(["check", "--config", fixture.config]).status == 78)
        var arguments = [command, "--config", fixture.config, "--at", "2026-11-20T12:30:00Z"]
        if command == "explain" { arguments += ["--ticket", "T-0"] }
        let result = try SlawatchProcess.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("T-0"))
        #expect(!result.stderr.contains("NO_SUCH"))
    }

    @Test func aSourceCredentialIsStillNeeded() throws {
        let fixture = try configuredSource()
        var yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: """
                type: file
                path: tickets.json
            """, with: """
                type: http-json
                url: http://127.0.0.1:9/tickets
                bearer_file: missing/source-token
            """)
        try yaml.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let result = try SlawatchProcess.run(["evaluate", "--config", fixture.config])
        #expect(result.status == 78)
        #expect(result.stderr.contains("sources[0].bearer_file"), "\(result.stderr)")
        #expect(!result.stderr.contains("NO_SUCH"))
        #expect(!result.stderr.contains("smtp-password"))
    }

    @Test func explainSaysATicketCreatedAfterTheInstantHadNoClocksYet() throws {
        // T-3 was created at 2026-11-23T14:00:00Z.
        let result = try SlawatchProcess.run([
            "explain", "--config", config, "--tickets", tickets, "--ticket", "T-3", "--at", "2026-11-22T10:00:00Z",
        ])
        #expect(result.status == 0)
        #expect(result.stdout.contains("was created at 2026-11-23T14:00:00Z, after 2026-11-22T10:00:00Z"), "\(result.stdout)")
        #expect(!result.stdout.contains("No policy matches"))
    }

    @Test(arguments: ["evaluate", "explain", "render"])
    func anInstantBefore1970IsAUsageError(_ command: String) throws {
        var arguments = [command, "--config", renderConfig, "--tickets", renderTickets, "--at", "0001-01-01T00:00:00Z"]
        if command != "evaluate" { arguments += ["--ticket", "R-1"] }
        if command == "render" { arguments += ["--template", "breach"] }
        let result = try SlawatchProcess.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains("--at: \"0001-01-01T00:00:00Z\" is before 1970"), "\(result.stderr)")
        #expect(!result.stdout.contains("1-01-01T"))
    }

    @Test func runOnceRefusesAnInstantBefore1970Too() throws {
        let fixture = try configuredSource()
        let result = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", "1969-12-31T23:59:59Z"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("is before 1970"), "\(result.stderr)")
    }

    /// created 2026-11-23T14:00Z (09:00 EST), first response target 4 business hours.
    func render(_ template: String, _ extra: [String] = [], at instant: String) throws -> SlawatchProcess.Result {
        try SlawatchProcess.run([
            "render", "--config", renderConfig, "--tickets", renderTickets, "--ticket", "R-1", "--template", template,
            "--at", instant,
        ] + extra)
    }

    @Test func renderChoosesTheClockWithMetric() throws {
        // At 16:30 EST first_response is 2.5 h overdue, resolution still running.
        let first = try render("warning", ["--metric", "resolution"], at: "2026-11-23T21:30:00Z")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("for its resolution"), "\(first.stdout)")
        #expect(!first.stdout.contains("first response"))
        let unknown = try render("warning", ["--metric", "next_reply"], at: "2026-11-23T21:30:00Z")
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("--metric: ticket R-1 has no next_reply clock"), "\(unknown.stderr)")
    }

    @Test func renderingABreachOfAClockNotOverdueSaysSo() throws {
        // At 10:00 EST, one hour in: nothing is overdue.
        let result = try render("breach", ["--metric", "first_response"], at: "2026-11-23T15:00:00Z")
        #expect(!result.stdout.contains("overdue by false"))
        #expect(!result.stdout.contains("false"))
        #expect(result.status == 64)
        #expect(result.stderr.contains("is not past its due time"), "\(result.stderr)")
    }

    @Test func theDigestSubjectCountsBreachedTicketsNotClocks() throws {
        // By Wed 25 Nov 18:00 EST every clock of R-1 (first response, periodic update,
        // resolution) is past due: one ticket, three breached clocks.
        let result = try render("digest", at: "2026-11-25T23:00:00Z")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"subject\" : \"[SLA] 1 ticket needs attention (1 breached)\""), "\(result.stdout)")
        #expect(!result.stdout.contains("(3 breached)"))
    }
}
