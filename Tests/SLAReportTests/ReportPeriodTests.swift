import BusinessTime
import Foundation
import SLAEngine
import SLAReport
import Testing

/// Periods, week labels and credits, each against values worked out by hand.
@Suite struct ReportPeriodTests {
    static func instant(_ text: String) -> Date { Timestamp(rfc3339: text)!.date }
    let newYork = ReportZone(TimeZone(identifier: "America/New_York")!)

    @Test(arguments: [
        ("2026-01-01", "2026-W01"), ("2025-12-29", "2026-W01"), ("2025-12-28", "2025-W52"), ("2026-11-23", "2026-W48"),
        ("2026-11-29", "2026-W48"), ("2020-12-31", "2020-W53"), ("2021-01-03", "2020-W53"), ("2027-01-04", "2027-W01"),
    ])
    func isoWeekLabels(date: String, label: String) {
        #expect(ReportZone.weekLabel(LocalDate(iso: date)!) == label)
    }

    @Test func aWeeklyReportCoversThePreviousWeekInItsZone() {
        let schedule = ReportSchedule(
            name: "weekly", cadence: .weekly(.monday, secondsPastMidnight: 9 * 3600), calendar: "us-office", zone: newYork,
            by: [], to: ["leads"])
        // Monday 2026-11-30 09:00 EST is 14:00Z: at 13:59Z the latest report due was a week earlier.
        var period = schedule.latestPeriod(atOrBefore: Self.instant("2026-11-30T13:59:00Z"))
        #expect(period.label == "2026-W47")
        #expect(period.dueAt == Self.instant("2026-11-23T14:00:00Z"))
        #expect(period.since == Self.instant("2026-11-16T05:00:00Z"))
        #expect(period.until == Self.instant("2026-11-23T05:00:00Z"))
        period = schedule.latestPeriod(atOrBefore: Self.instant("2026-11-30T14:00:00Z"))
        #expect(period.label == "2026-W48")
        #expect(period.since == Self.instant("2026-11-23T05:00:00Z"))
        #expect(period.until == Self.instant("2026-11-30T05:00:00Z"))
        // The week summer time ended: Monday 2026-10-26 00:00 EDT is 04:00Z, Monday 11-02 00:00 EST is 05:00Z.
        period = schedule.latestPeriod(atOrBefore: Self.instant("2026-11-04T12:00:00Z"))
        #expect(period.label == "2026-W44")
        #expect(period.since == Self.instant("2026-10-26T04:00:00Z"))
        #expect(period.until == Self.instant("2026-11-02T05:00:00Z"))
        #expect(period.dueAt == Self.instant("2026-11-02T14:00:00Z"))
    }

    @Test func aMonthlyReportCoversThePreviousMonth() {
        let schedule = ReportSchedule(
            name: "monthly", cadence: .monthly(day: 1, secondsPastMidnight: 9 * 3600), calendar: "us-office", zone: newYork,
            by: [], to: ["leads"])
        var period = schedule.latestPeriod(atOrBefore: Self.instant("2026-12-01T14:00:00Z"))
        #expect(period.label == "2026-11")
        #expect(period.since == Self.instant("2026-11-01T04:00:00Z"))
        #expect(period.until == Self.instant("2026-12-01T05:00:00Z"))
        period = schedule.latestPeriod(atOrBefore: Self.instant("2026-01-01T13:00:00Z"))
        #expect(period.label == "2025-11")
        period = schedule.latestPeriod(atOrBefore: Self.instant("2026-01-01T14:00:00Z"))
        #expect(period.label == "2025-12")
        #expect(period.since == Self.instant("2025-12-01T05:00:00Z"))
        #expect(period.until == Self.instant("2026-01-01T05:00:00Z"))
    }

    @Test(arguments: [
        // target, per point, cap (hundredths of a percent), achieved, measured, credit.
        (9500, 1000, 5000, 19, 20, 0),         // 95.0%: at target
        (9500, 1000, 5000, 18, 20, 5000),      // 90.0%: 5 points → 50%, the cap
        (9500, 1000, 4000, 18, 20, 4000),      // capped at 40%
        (9500, 1000, 5000, 37, 40, 2000),      // 92.5%: 2.5 below → 2 whole points
        (9500, 1000, 5000, 17, 20, 5000),      // 85.0% exactly: 10 points, no rounding lost
        (9000, 250, 10_000, 2, 3, 5750),       // 66.67%: 23.33 below → 23 × 2.5% = 57.5%
        (9550, 100, 10_000, 1, 4, 7000),       // 25%: 70.5 below → 70
    ])
    func creditsCountWholePointsBelowTheTarget(target: Int, perPoint: Int, cap: Int, achieved: Int, measured: Int, credit: Int) {
        #expect(CreditRule(target: target, perPoint: perPoint, cap: cap).credit(achieved: achieved, measured: measured) == credit)
    }

    @Test func nearestRankPercentiles() {
        #expect(ComplianceStats.percentile(50, of: [5, 1, 3, 2, 4]) == 3)
        #expect(ComplianceStats.percentile(90, of: [5, 1, 3, 2, 4]) == 5)
        #expect(ComplianceStats.percentile(50, of: [10, 20]) == 10)
        #expect(ComplianceStats.percentile(90, of: Array(1...10)) == 9)
        #expect(ComplianceStats.percentile(50, of: []) == nil)
    }
}
