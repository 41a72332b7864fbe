import Foundation
import SLAConfig
import SLAEngine
import StateStore
import Testing
@testable import Daemon

/// Scheduled reports against a real state database: the message per channel, its form
/// per channel type, and a period never worded twice.
@Suite struct ReportSchedulerTests {
    static func instant(_ text: String) -> Date { Timestamp(rfc3339: text)!.date }

    func fixture() throws -> (Configuration, StateStore, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-scheduler-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = try Configuration.parse(yaml: """
            policies:
              - name: p
                targets:
                  any: { first_response: 1h }
            channels:
              leads: { type: slack, url: "https://hooks.example.com/leads" }
              director: { type: email, relay: main, to: [director@example.com] }
            relays:
              main: { url: "smtp://127.0.0.1:2525", tls: none, from: "slawatch@example.com" }
            reports:
              - every: month
                at: "1 08:00"
                to: [leads, director]
                by: [priority]
            """, file: "slawatch.yaml", baseDirectory: directory.path)
        return (configuration, try StateStore(path: directory.appendingPathComponent("state.db").path), directory)
    }

    func outcome(_ id: String, _ state: ClockState, fulfilled: String?, due: String, elapsed: Int) -> ClockOutcome {
        ClockOutcome(
            source: "desk", ticketID: id, metric: .firstResponse, cycle: 1, state: state, policy: "p", calendar: "24x7",
            targetSeconds: 3600, startedAt: Self.instant(due) - 3600, dueAt: Self.instant(due),
            fulfilledAt: fulfilled.map(Self.instant), elapsedSeconds: elapsed, pausedSeconds: 0, customer: "acme",
            priority: .high)
    }

    @Test func aMonthlyReportIsWordedOncePerChannelWithHTMLForMail() async throws {
        let (configuration, store, directory) = try fixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        // November: one met (30 min), one missed by 30 min, one still open past due; one in October.
        try await store.recordOutcomes([
            outcome("A", .met, fulfilled: "2026-11-03T10:30:00Z", due: "2026-11-03T11:00:00Z", elapsed: 1800),
            outcome("B", .missed, fulfilled: "2026-11-10T11:30:00Z", due: "2026-11-10T11:00:00Z", elapsed: 5400),
            outcome("C", .breached, fulfilled: nil, due: "2026-11-20T11:00:00Z", elapsed: 7200),
            outcome("D", .met, fulfilled: "2026-10-30T10:00:00Z", due: "2026-10-30T11:00:00Z", elapsed: 600),
        ], at: Self.instant("2026-12-01T00:00:00Z"))
        let scheduler = ReportScheduler(configuration: configuration)
        var done: Set<String> = []
        let messages = try scheduler.messages(at: Self.instant("2026-12-01T08:00:00Z"), log: store, done: &done)
        #expect(messages.map(\.key) == ["report/monthly/2026-11@leads", "report/monthly/2026-11@director"])
        #expect(messages.allSatisfy { $0.subject == "SLA compliance 2026-11: 33.3% achieved, 2 breached" })
        #expect(messages[0].html == nil, "chat gets the summary")
        #expect(messages[1].html?.hasPrefix("<!DOCTYPE html>") == true, "mail gets the report")
        #expect(messages[0].text.contains("Achieved 33.3%: 1 of 3 met, 2 breached"))
        #expect(done == ["report/monthly/2026-11"])
        // Remembered: asked again in the same period, nothing; a new scheduler over the same
        // outbox (a restart) finds the keys there.
        #expect(try scheduler.messages(at: Self.instant("2026-12-01T09:00:00Z"), log: store, done: &done).isEmpty)
        try store.enqueue(messages)
        var fresh: Set<String> = []
        #expect(try scheduler.messages(at: Self.instant("2026-12-15T09:00:00Z"), log: store, done: &fresh).isEmpty)
        #expect(scheduler.nextDue(after: Self.instant("2026-12-15T09:00:00Z")) == Self.instant("2027-01-01T08:00:00Z"))
    }
}
