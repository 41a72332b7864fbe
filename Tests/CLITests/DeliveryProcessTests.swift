import Foundation
import Testing

/// The delivery tests' loopback HTTP receiver, run for the binary's tests.
struct HTTPReceiver {
    let process: SlawatchProcess.Running
    let port: Int

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../DeliveryTests/Fixtures/http_receiver.py").standardized.path
        process = try SlawatchProcess.start("/usr/bin/python3", [script])
        guard process.waitForLine(containing: "PORT "),
              let line = process.stdout.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }),
              let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespaces))
        else { throw CocoaError(.fileReadUnknown) }
        self.port = port
    }

    func url(_ token: String, _ behaviour: String) -> String { "http://127.0.0.1:\(port)/\(token)/\(behaviour)" }

    /// The requests recorded under `token`.
    func records(_ token: String) throws -> [[String: Any]] {
        let fetched = try SlawatchProcess.runTool("/usr/bin/python3", [
            "-c", "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())",
            "http://127.0.0.1:\(port)/_records/\(token)",
        ])
        return try JSONSerialization.jsonObject(with: Data(fetched.stdout.utf8)) as? [[String: Any]] ?? []
    }
}

@Suite(.serialized) struct DeliveryProcessTests {
    func fixture(channels: String, ops: Bool = false) throws -> DaemonFixture {
        let fixture = try DaemonFixture(tickets: staggeredTickets(count: 6, base: ISO8601DateFormatter().date(from: "2026-11-20T12:00:00Z")!))
        var yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "  hooks: { type: log, path: out/hooks.jsonl, digest: false }", with: channels)
        if ops { yaml += "\nops_channel: leads\n" }
        try yaml.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        return fixture
    }

    @Test func testNotifyPrintsTheReceiversAnswer() throws {
        let receiver = try HTTPReceiver()
        defer { receiver.process.terminate(SIGKILL) }
        let fixture = try fixture(channels: """
              hooks: { type: slack, url: "\(receiver.url("SEKRIT-TOKEN-1", "ok"))" }
              gone: { type: slack, url: "\(receiver.url("SEKRIT-TOKEN-2", "gone"))" }
            """)
        let ok = try SlawatchProcess.run(["test-notify", "--config", fixture.config, "hooks"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("hooks (slack)") && ok.stdout.contains("delivered"))
        let request = try #require(try receiver.records("SEKRIT-TOKEN-1").first)
        let body = try JSONSerialization.jsonObject(with: Data((request["body"] as! String).utf8)) as! [String: Any]
        #expect((body["text"] as? String)?.contains("test message for hooks") == true)

        let gone = try SlawatchProcess.run(["test-notify", "--config", fixture.config, "gone"])
        #expect(gone.status == 69)
        #expect(gone.stdout.contains("failed after 1 attempt") && gone.stdout.contains("404"))
        #expect(!(ok.stdout + ok.stderr + gone.stdout + gone.stderr).contains("SEKRIT"))

        let unknown = try SlawatchProcess.run(["test-notify", "--config", fixture.config, "nope"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("no channel is named nope"))
    }

    @Test func theDaemonDeliversToAWebhookAndTellsOpsOncePerOutage() throws {
        let receiver = try HTTPReceiver()
        defer { receiver.process.terminate(SIGKILL) }
        // The hooks channel is gone (404, not worth retrying): every message to it is a dead
        // letter; the ops channel (leads) hears about it once.
        let fixture = try fixture(channels: """
              hooks: { type: webhook, url: "\(receiver.url("SEKRIT-TOKEN-3", "gone"))" }
            """, ops: true)
        let run = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", "2026-11-20T12:50:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        let attempts = try receiver.records("SEKRIT-TOKEN-3")
        #expect(attempts.count >= 2)
        // Signed per Standard Webhooks, the idempotency key as the webhook id.
        let ids = attempts.map { attempt in
            (attempt["headers"] as? [[String]] ?? []).first { $0[0].lowercased() == "webhook-id" }?[1]
        }
        #expect(ids.allSatisfy { $0 != nil })
        let ops = try fixture.lines().filter { ($0["subject"] as! String).hasPrefix("[slawatch] channel hooks is failing") }
        #expect(ops.count == 1)
        // Dead letters are not "kept and tried again", as the notice used to say.
        let said = ops.first?["text"] as? String ?? ""
        #expect(said.contains("The message that failed was given up") && !said.contains("keeps them"), "\(said)")
        #expect(try fixture.query("SELECT COUNT(*) FROM outbox WHERE status = 'dead' AND channel = 'hooks'") == ["\(attempts.count)"])
        #expect(!run.stderr.contains("SEKRIT"))
    }
}

extension DeliveryProcessTests {
    /// A receiver in maintenance (503 asking to wait two hours) had every message of its
    /// lane dead-lettered seconds after it was decided; they now wait their hour out.
    @Test func aLongRetryAfterKeepsTheMessagesForTheirHour() throws {
        let receiver = try HTTPReceiver()
        defer { receiver.process.terminate(SIGKILL) }
        let fixture = try fixture(channels: """
              hooks: { type: webhook, url: "\(receiver.url("maintenance", "status/503?retry_after=7200"))", digest: false }
            """)
        // On the real clock: the messages are decided now, an hour from their end.
        let run = try SlawatchProcess.run(["run", "--config", fixture.config, "--once"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try receiver.records("maintenance").count >= 1)
        #expect(try fixture.query("SELECT COUNT(*) FROM outbox WHERE status = 'dead' AND channel = 'hooks'") == ["0"])
        let waiting = try fixture.query("SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND channel = 'hooks' AND attempts >= 1")
        #expect(waiting != ["0"], "\(run.stderr)")
    }

    /// A CA file that is not there passed `check`; every mail then failed its handshake.
    @Test func aRelayCAFileThatCannotBeReadIsACheckError() throws {
        let fixture = try fixture(channels: """
              hooks: { type: log, path: out/hooks.jsonl }
              director: { type: email, relay: main, to: director@example.com }
            relays:
              main: { url: "smtp://127.0.0.1:9", from: "Support <support@example.com>", ca_file: /nonexistent/ca.pem }
            """)
        for command in [["check"], ["run", "--once"]] {
            let result = try SlawatchProcess.run(command + ["--config", fixture.config])
            #expect(result.status == 78, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("relays.main: the relay's ca_file /nonexistent/ca.pem does not exist or cannot be read"),
                    "\(command): \(result.stderr)")
        }
    }

    @Test func testNotifyToTheCustomerChannelAsksForAnAddress() throws {
        let fixture = try fixture(channels: """
              hooks: { type: log, path: out/hooks.jsonl }
              customers: { type: email, relay: main }
            relays:
              main: { url: "smtp://127.0.0.1:9", tls: none, from: "Support <support@example.com>" }
            """)
        let result = try SlawatchProcess.run(["test-notify", "--config", fixture.config, "customers"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("channel customers sends to each ticket's customer"), "\(result.stderr)")
        #expect(result.stderr.contains("pass --to ADDRESS"))
        #expect(result.stdout.isEmpty)
        // A --to that is no address is a wrong argument (64), not a customer's email to check.
        let bad = try SlawatchProcess.run(["test-notify", "--config", fixture.config, "customers", "--to", "not an address"])
        #expect(bad.status == 64, "\(bad.stderr)")
        #expect(bad.stderr.contains("--to: \"not an address\" is not a mail address"), "\(bad.stderr)")
    }

    /// `--to` on a team mail channel still mailed its `cc`, and on a chat channel it was
    /// dropped without a word.
    @Test func testNotifyToSendsToThatAddressAlone() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../DeliveryTests/Fixtures/smtp_receiver.py").standardized.path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-mail-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let mails = directory.appendingPathComponent("mail.jsonl").path
        let relay = try SlawatchProcess.start(
            "/usr/bin/python3", ["-W", "ignore", script, "--out", mails, "--tls", "none", "--reject", "nobody@example.com"])
        defer { relay.terminate(SIGKILL) }
        #expect(relay.waitForLine(containing: "PORT "), "\(relay.stderr)")
        let port = try #require(relay.stdout.split(separator: "\n").first { $0.hasPrefix("PORT ") }.flatMap { Int($0.dropFirst(5)) })
        let fixture = try fixture(channels: """
              hooks: { type: log, path: out/hooks.jsonl }
              leads-mail: { type: email, relay: main, to: lead@example.com, cc: [archive@example.com] }
              partial: { type: email, relay: main, to: [lead@example.com, nobody@example.com] }
            relays:
              main: { url: "smtp://127.0.0.1:\(port)", tls: none, from: "Support <support@example.com>" }
            """)
        let sent = try SlawatchProcess.run(["test-notify", "--config", fixture.config, "leads-mail", "--to", "me@example.com"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let received = try String(contentsOfFile: mails, encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(received.map { $0["rcpt_tos"] as? [String] } == [["me@example.com"]])
        // The relay's reply once, not its code twice ("answer 250 250 …").
        #expect(sent.stdout.contains("delivered after 1 attempt; answer 250 "), "\(sent.stdout)")
        #expect(!sent.stdout.contains("250 250"), "\(sent.stdout)")

        // One recipient refused: the test failed, and says which and why.
        let partial = try SlawatchProcess.run(["test-notify", "--config", fixture.config, "partial"])
        #expect(partial.status == 69, "\(partial.stdout)")
        #expect(partial.stdout.contains("partially_delivered"), "\(partial.stdout)")
        #expect(partial.stdout.contains("refused the recipient nobody@example.com with \"550 5.1.1"), "\(partial.stdout)")

        let chat = try SlawatchProcess.run(["test-notify", "--config", fixture.config, "hooks", "--to", "me@example.com"])
        #expect(chat.status == 64, "\(chat.stderr)")
        #expect(chat.stderr.contains("--to is for email channels; hooks is a log channel"), "\(chat.stderr)")
    }
}
