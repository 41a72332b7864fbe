import Foundation
import Testing
@testable import Daemon
import SLAConfig
import SLAEngine

/// The exact words of the customer delay notices a tick sends: a large tick words them on
/// every core, a part at a time, and every one must read as the template says.
@Suite struct CustomerNoticeWordingTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-notice-words-\(UUID())")
    static let now = Timestamp(rfc3339: "2026-11-20T13:00:00Z")!.date
    /// More than one part of the composer's parallel wording.
    static let count = 300

    static let yaml = """
        state: state.db
        poll_interval: 60s
        sources:
          - { name: desk, type: file, path: tickets.json }
        policies:
          - name: all
            targets: { any: { first_response: 30m } }
        teams:
          default: { manager: [leads] }
        ladders:
          default:
            - { at: breach, notify: manager, customer_notice: delay_notice }
        channels:
          leads: { type: log, path: leads.jsonl }
          customers: { type: log, path: customers.jsonl }
        customer_notices:
          update_every: 4h
          remedies:
            enterprise: "As an enterprise customer you are entitled to a service credit."
        """

    /// Ticket `n`: created `n` minutes before 12:00 (due 30 minutes later), a third of the
    /// customers named, with a tier and a zone, a third with nothing but an address.
    static func ticket(_ n: Int) -> String {
        let created = Timestamp(Timestamp(rfc3339: "2026-11-20T12:00:00Z")!.date - Double(n * 60)).description
        let customer = switch n % 3 {
        case 0: #"{"id": "c\#(n)", "name": "Ann \#(n)", "email": "c\#(n)@example.com", "tier": "Enterprise", "time_zone": "Europe/Amsterdam"}"#
        case 1: #"{"id": "c\#(n)", "email": "c\#(n)@example.com"}"#
        default: #"{"id": "c\#(n)", "name": "Bo & \"Co\" <\#(n)>", "email": "c\#(n)@example.com", "time_zone": "America/New_York"}"#
        }
        let url = n % 3 == 1 ? "" : #", "url": "https://help.example.com/t/T-\#(n)""#
        return #"{"id": "T-\#(n)", "subject": "Export \#(n) fails: \"quota\" & <limits>", "status": "open", "#
            + #""customer": \#(customer), "created_at": "\#(created)"\#(url)}"#
    }

    /// What the delay notice says to ticket `n`'s customer, written out from the template
    /// with dates in the customer's zone (UTC without one).
    static func expected(_ n: Int) -> (subject: String, text: String) {
        let zone = TimeZone(identifier: ["Europe/Amsterdam", "UTC", "America/New_York"][n % 3])!
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "EEEE d MMMM yyyy 'at' HH:mm zzz"
        let due = formatter.string(from: Timestamp(rfc3339: "2026-11-20T12:30:00Z")!.date - Double(n * 60))
        let next = formatter.string(from: now + 4 * 3600)
        let subject = "Export \(n) fails: \"quota\" & <limits>"
        let name = [" Ann \(n)", "", " Bo & \"Co\" <\(n)>"][n % 3]
        var text = "Hello\(name),\n\nWe promised you a first response on your request \"\(subject)\" (T-\(n)) by \(due), "
            + "and we have not kept that promise. We are sorry.\n\nYour request is with our team and has not been forgotten. "
            + "You will hear from us again by \(next) at the latest, with news or a plan."
        if n % 3 == 0 { text += "\n\nAs an enterprise customer you are entitled to a service credit." }
        if n % 3 != 1 { text += "\n\nYou can follow your request at https://help.example.com/t/T-\(n)." }
        text += "\n\nThe support team"
        return ("An update on your request T-\(n): \(subject)", text)
    }

    @Test func everyNoticeOfALargeTickReadsAsTheTemplateSays() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let tickets = "[" + (0..<Self.count).map(Self.ticket).joined(separator: ",\n") + "]"
        try tickets.write(to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
        let watcher = try await logWatcher(yaml: Self.yaml, directory: directory)
        _ = try await watcher.tick(at: Self.now)
        let notices = try logLines("customers.jsonl", in: directory)
        #expect(notices.count == Self.count)
        var seen = Set<Int>()
        for notice in notices {
            let id = ((notice["tickets"] as! [[String: Any]])[0]["id"] as! String)
            let n = Int(id.dropFirst(2))!
            seen.insert(n)
            let expected = Self.expected(n)
            #expect(notice["subject"] as? String == expected.subject, "\(id)")
            #expect(notice["text"] as? String == expected.text, "\(id)")
        }
        #expect(seen == Set(0..<Self.count))
    }

    /// A tick with more notices than one commit takes is worded and committed in parts, the
    /// team's digest first, and lets go of each part's tickets once it is worded (a ticket's
    /// digest line and its notice are in different parts): every notice goes out once, as
    /// worded, and the digest names every ticket.
    @Test func aTickOfSeveralPartsSendsEveryNoticeOnceAndTheDigestWhole() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let count = Watcher.messagesPerCommit + 500
        let tickets = "[" + (0..<count).map(Self.ticket).joined(separator: ",\n") + "]"
        try tickets.write(to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
        let watcher = try await logWatcher(yaml: Self.yaml, directory: directory)
        let report = try await watcher.tick(at: Self.now)
        #expect(report.enqueued == count + 1)
        let notices = try logLines("customers.jsonl", in: directory)
        let ids = notices.map { ($0["tickets"] as! [[String: Any]])[0]["id"] as! String }
        #expect(ids.count == count)
        #expect(Set(ids) == Set((0..<count).map { "T-\($0)" }))
        for n in [0, Watcher.messagesPerCommit, count - 1] {
            let notice = notices[ids.firstIndex(of: "T-\(n)")!]
            #expect(notice["text"] as? String == Self.expected(n).text)
        }
        let digests = try logLines("leads.jsonl", in: directory)
        #expect(digests.count == 1)
        #expect(digests.first?["subject"] as? String == "[SLA] \(count) tickets need attention (\(count) breached)")
    }

    /// Three notices written out in full, zone names and all, so the oracle above is pinned too.
    @Test func threeNoticesWordForWord() {
        #expect(Self.expected(0).text == """
            Hello Ann 0,

            We promised you a first response on your request "Export 0 fails: "quota" & <limits>" (T-0) by \
            Friday 20 November 2026 at 13:30 GMT+1, and we have not kept that promise. We are sorry.

            Your request is with our team and has not been forgotten. You will hear from us again by \
            Friday 20 November 2026 at 18:00 GMT+1 at the latest, with news or a plan.

            As an enterprise customer you are entitled to a service credit.

            You can follow your request at https://help.example.com/t/T-0.

            The support team
            """)
        #expect(Self.expected(1).text == """
            Hello,

            We promised you a first response on your request "Export 1 fails: "quota" & <limits>" (T-1) by \
            Friday 20 November 2026 at 12:29 GMT, and we have not kept that promise. We are sorry.

            Your request is with our team and has not been forgotten. You will hear from us again by \
            Friday 20 November 2026 at 17:00 GMT at the latest, with news or a plan.

            The support team
            """)
        #expect(Self.expected(2).subject == #"An update on your request T-2: Export 2 fails: "quota" & <limits>"#)
        #expect(Self.expected(2).text.hasPrefix(#"Hello Bo & "Co" <2>,"#))
        #expect(Self.expected(2).text.contains("by Friday 20 November 2026 at 07:28 EST, and"))
        #expect(Self.expected(2).text.contains("by Friday 20 November 2026 at 12:00 EST at the latest"))
    }
}
