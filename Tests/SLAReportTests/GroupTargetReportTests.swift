import Foundation
import SLAEngine
import SLAReport
import Testing

/// `group_response` clocks in compliance reports: counted by metric and by the group they
/// measured, never toward a customer's service credit.
@Suite struct GroupTargetReportTests {
    static func outcome(_ metric: Metric, _ state: ClockState, group: String, cycle: Int = 1) -> ClockOutcome {
        let due = Timestamp(rfc3339: "2026-11-23T17:00:00Z")!.date
        return ClockOutcome(
            ticketID: "E-1", metric: metric, cycle: cycle, state: state, policy: "standard", calendar: "24x7", targetSeconds: 7200,
            startedAt: due - 7200, dueAt: due, fulfilledAt: due + (state == .met ? -600 : 3600), elapsedSeconds: 7200,
            pausedSeconds: 0, customer: "acme", tier: "enterprise", group: group, priority: .normal
        )
    }

    @Test func aMissedGroupTargetShowsByMetricAndGroupButEarnsNoCredit() {
        let outcomes = [
            Self.outcome(.firstResponse, .met, group: "Support"),
            Self.outcome(.groupResponse, .missed, group: "Engineering"),
        ]
        let query = ReportQuery(
            since: Timestamp(rfc3339: "2026-11-23T00:00:00Z")!.date, until: Timestamp(rfc3339: "2026-11-24T00:00:00Z")!.date,
            at: Timestamp(rfc3339: "2026-11-24T00:00:00Z")!.date, by: [.metric, .group]
        )
        let report = ComplianceReport(outcomes: outcomes, query: query, credits: ["enterprise": CreditRule(target: 9500, perPoint: 1000, cap: 5000)])
        #expect(report.rows.map { "\($0.group[.metric]! ?? "-") \($0.group[.group]! ?? "-") \($0.stats.breached)" } == [
            "first_response Support 0", "group_response Engineering 1",
        ])
        // The customer's only customer-facing clock was met: no credit.
        #expect(report.credits.map(\.creditPercent) == [0])
        #expect(report.credits.map(\.measured) == [1])
    }

    /// A ticket without a customer was grouped under customer "" (a blank cell, sorted
    /// first); it is a missing value, shown last, like a missing group.
    @Test func aTicketWithoutACustomerIsAMissingCustomerShownLast() {
        var anonymous = Self.outcome(.firstResponse, .met, group: "Support")
        anonymous.customer = ""
        let outcomes = [anonymous, Self.outcome(.firstResponse, .missed, group: "Support")]
        let query = ReportQuery(
            since: Timestamp(rfc3339: "2026-11-23T00:00:00Z")!.date, until: Timestamp(rfc3339: "2026-11-24T00:00:00Z")!.date,
            at: Timestamp(rfc3339: "2026-11-24T00:00:00Z")!.date, by: [.customer]
        )
        let report = ComplianceReport(outcomes: outcomes, query: query)
        #expect(report.rows.map { "\($0.group[.customer]! ?? "-") \($0.stats.breached)" } == ["acme 1", "- 0"])
    }
}
