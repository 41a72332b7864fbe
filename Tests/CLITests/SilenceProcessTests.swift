import Foundation
import Glibc
import Testing

/// Silences through the real binary: `slawatch silence add|list|expire` against a running
/// daemon, warnings (and breaches with --breaches) of matching tickets muted and recorded
/// as silenced, customer notices sent, silences kept across a SIGKILL, one catch-up per
/// clock still breached when a silence runs out or is expired.
@Suite(.serialized) struct SilenceProcessTests {
    static let configuration = """
        poll_interval: 1s
        sources:
          - { name: desk, type: file, path: tickets.json }
        policies:
          - name: all
            targets: { any: { first_response: 8s } }
        teams:
          default: { lead: [leads], manager: [managers] }
        ladders:
          default:
            - { at: 25%, notify: lead }
            - { at: breach, notify: manager, customer_notice: delay_notice }
        channels:
          leads: { type: log, path: out/leads.jsonl }
          managers: { type: log, path: out/managers.jsonl }
          customers: { type: log, path: out/customers.jsonl }
        """

    static func tickets(created: Date) -> String {
        let stamp = APIDaemonFixture.stamp(created)
        let rows = [("A", "Billing", "high"), ("B", "Payments", "high"), ("C", "Support", "high"), ("D", "Refunds", "high"),
                    ("E", "Refunds", "low")].map { id, group, priority in
            """
            {"id": "\(id)", "subject": "Ticket \(id)", "status": "open", "priority": "\(priority)", "group": "\(group)",
             "customer": {"id": "c-\(id)", "email": "\(id.lowercased())@customer.example"}, "created_at": "\(stamp)"}
            """
        }
        return "[" + rows.joined(separator: ",\n") + "]"
    }

    /// Adds a silence with the CLI; returns its id.
    func add(_ fixture: APIDaemonFixture, _ arguments: [String]) throws -> String {
        let result = try fixture.slawatch(["silence", "add"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.count == 12 && id.allSatisfy(\.isHexDigit), "\(id)")
        return id
    }

    /// Without --by, USER or LOGNAME (cron, some containers) a silence was recorded as
    /// added by "-"; it names the login of the user running the command, as `id -un` does.
    @Test func aSilenceAddedWithoutANameIsRecordedWithTheLoginName() throws {
        let fixture = try APIDaemonFixture("silence-login", configuration: Self.configuration)
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { daemon.terminate() }
        #expect(fixture.waitForListener())
        let added = try fixture.slawatch(
            ["silence", "add", "--match", "group=Billing", "--for", "1m", "--reason", "who"], environment: ["USER": "", "LOGNAME": ""])
        #expect(added.status == 0, "\(added.stderr)")
        let login = try SlawatchProcess.runTool("/usr/bin/id", ["-un"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let recorded = try fixture.query("SELECT created_by FROM silence WHERE id = '\(id)'")
        #expect(!login.isEmpty && recorded == [login], "\(recorded) against \(login)")
    }

    @Test func silencesMuteMatchingTicketsExpireOnTimeAndCatchUpOnce() throws {
        let fixture = try APIDaemonFixture("silences", configuration: Self.configuration)
        var daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { daemon.terminate() }
        #expect(fixture.waitForListener())

        // Refused before anything is recorded: no matcher, an unknown field, no token.
        #expect(try fixture.slawatch(["silence", "add", "--for", "1h", "--reason", "x"]).status == 64)
        let unknown = try fixture.slawatch(["silence", "add", "--match", "queue=x", "--for", "1h", "--reason", "x"])
        #expect(unknown.status == 64 && unknown.stderr.contains("customer.tier"))
        // A priority no ticket has: a silence that would never mute anything.
        let never = try fixture.slawatch(["silence", "add", "--match", "priority=superhigh", "--for", "1h", "--reason", "x"])
        #expect(never.status == 64 && never.stderr.contains("priority superhigh is not a canonical priority"), "\(never.stderr)")
        #expect(try fixture.request("GET", "/api/v1/silences", token: nil).status == 401)
        #expect(try fixture.request("POST", "/api/v1/silences", json: #"{"match": {"queue": "x"}, "for": "1h", "reason": "x"}"#)
            .status == 400)

        // Warnings only for Billing; everything for high-priority Refunds.
        let billing = try add(fixture, ["--match", "group=Billing", "--for", "15s", "--reason", "billing incident"])
        let refunds = try add(fixture, [
            "--match", "group=Refunds", "--match", "priority=high", "--for", "1h", "--reason", "refunds backlog", "--breaches",
            "--by", "dana",
        ])
        let listed = try fixture.slawatch(["silence", "list"])
        #expect(listed.status == 0 && listed.stdout.contains(billing) && listed.stdout.contains(refunds))
        #expect(listed.stdout.contains("group=Refunds priority=high") && listed.stdout.contains("refunds backlog"))

        // Silences live in the state: they outlive a SIGKILL.
        #expect(daemon.terminate(SIGKILL) == SIGKILL)
        daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        #expect(fixture.waitForListener())
        // Everything for Payments, for 10 s from now; the tickets come in now (first_response 8 s).
        let payments = try add(fixture, ["--match", "group=payments", "--for", "10s", "--reason", "payments incident", "--breaches"])
        let paymentsEnd = try #require(try fixture.query("SELECT ends_at FROM silence WHERE id = '\(payments)'").first.flatMap(Double.init))
        try fixture.writeTickets(Self.tickets(created: Date()))

        // Warnings at 2 s: only the tickets no silence matches.
        #expect(fixture.waitFor(6) { fixture.tickets("leads").count >= 2 })
        // Breaches at 8 s: Billing's goes out (its silence mutes warnings only); the customers all hear.
        #expect(fixture.waitFor(10) { fixture.tickets("customers").count == 5 })
        usleep(300_000)
        #expect(Set(fixture.tickets("managers")) == ["A", "C", "E"])
        #expect(Date().timeIntervalSince1970 < paymentsEnd, "the machine was too slow to see the silence stand at the breach")

        // Payments' silence runs out: its breached clock gets one catch-up, naming it.
        #expect(fixture.waitFor(6) { fixture.tickets("managers").contains("B") })
        let caughtUp = try #require(fixture.lines("managers").first { ($0["tickets"] as? [[String: Any]])?.first?["id"] as? String == "B" })
        #expect((caughtUp["text"] as? String)?.contains("muted by silence \(payments) (payments incident)") == true)
        let sentAt = try #require(ISO8601DateFormatter().date(from: caughtUp["at"] as? String ?? ""))
        #expect(sentAt.timeIntervalSince1970 >= paymentsEnd)

        // Refunds' is expired by hand: one catch-up for D at once; E (low) never matched.
        let expired = try fixture.slawatch(["silence", "expire", refunds])
        #expect(expired.status == 0 && expired.stdout.contains("silence \(refunds) expired at"))
        #expect(fixture.waitFor(5) { fixture.tickets("managers").contains("D") })
        #expect(try fixture.slawatch(["silence", "expire", refunds]).stdout.contains("had already ended"))
        #expect(try fixture.slawatch(["silence", "expire", "0123456789ab"]).status == 66)

        // Billing's silence runs out too (its clock breached, but the team heard the breach): nothing more.
        let billingEnd = try #require(try fixture.query("SELECT ends_at FROM silence WHERE id = '\(billing)'").first.flatMap(Double.init))
        #expect(fixture.waitFor(8) { Date().timeIntervalSince1970 > billingEnd + 1.5 })
        #expect(fixture.tickets("managers").sorted() == ["A", "B", "C", "D", "E"])
        #expect(fixture.tickets("leads").sorted() == ["C", "E"])
        #expect(fixture.tickets("customers").sorted() == ["A", "B", "C", "D", "E"])

        // Muted messages are recorded as silenced, with the silence that muted them.
        #expect(try fixture.query("SELECT ticket_id, step, reason FROM intent WHERE status = 'silenced' ORDER BY ticket_id") == [
            "desk:A|25%|silence \(billing): billing incident", "desk:B|25%|silence \(payments): payments incident",
            "desk:D|25%|silence \(refunds): refunds backlog",
        ])
        #expect(try fixture.query("SELECT count(*) FROM intent WHERE status = 'silenced' AND kind = 'breach'") == ["0"])

        // Every silence ended: none stands, all are listed with --all.
        #expect(try fixture.slawatch(["silence", "list"]).stdout.contains("no silence stands"))
        let all = try fixture.slawatch(["silence", "list", "--all", "--format", "json"])
        let silences = try #require((try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any])?["silences"] as? [[String: Any]])
        #expect(Set(silences.compactMap { $0["id"] as? String }) == [billing, refunds, payments])
        #expect(silences.allSatisfy { $0["active"] as? Bool == false })
        #expect(silences.first { $0["id"] as? String == refunds }?["created_by"] as? String == "dana")

        // report, from the state, tells what the silences muted.
        let report = try fixture.slawatch([
            "report", "--since", APIDaemonFixture.stamp(Date(timeIntervalSinceNow: -3600)),
            "--until", APIDaemonFixture.stamp(Date(timeIntervalSinceNow: 3600)),
        ])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("Muted by silences in the period (recorded, not sent): 3 messages"))
        #expect(report.stdout.contains("1  silence \(payments): payments incident"))

        daemon.terminate()
        for output in [daemon.stdout, daemon.stderr, listed.stdout, listed.stderr, all.stdout] {
            #expect(!output.contains(APIDaemonFixture.token))
        }
        let log = daemon.stdout + daemon.stderr
        #expect(log.contains("silence added") && log.contains("silence expired"))
    }
}
