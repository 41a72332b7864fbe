import Foundation
import Testing
@testable import SLAEngine

/// Surges against a synthetic week: Billing had 8, 10, 9, 11, 10, 12 and 10 open tickets at
/// 15:00Z on each of the previous seven days (median 10), and 40 at 14:00Z every day (a
/// daily peak an hour earlier, which must not count). 50% over the median is 15.
@Suite struct SurgeDetectorTests {
    static let now = at("2026-11-30T15:20:00Z")
    static let rule = SurgeRule(by: .group, overPercent: 50, minOpen: 5, notify: ["manager"])

    static func week(days: Int = 7) -> [SurgeSample] {
        let hour = SurgeDetector.hour(of: now)
        let counts = [8, 10, 9, 11, 10, 12, 10]
        return (1...days).flatMap { day -> [SurgeSample] in
            let base = hour - 24 * Int64(day)
            return [SurgeSample(hour: base - 1, open: ["Billing": 40]), SurgeSample(hour: base, open: ["Billing": counts[day - 1], "Support": 3])]
        }
    }

    static func changes(_ open: [String: Int], active: [ActiveSurge] = [], history: [SurgeSample] = week()) -> [String] {
        SurgeDetector.changes(rule: rule, open: open, history: history, active: active, at: now).map {
            "\($0.kind.rawValue) \($0.value) \($0.open) median \($0.median) over \($0.days) days"
        }
    }

    static let billing = ActiveSurge(by: .group, value: "Billing", since: at("2026-11-30T15:00:00Z"), channels: ["ops-manager"])

    @Test func theMedianIsAtTheSameHourOfDay() {
        #expect(SurgeDetector.median(of: "Billing", hour: SurgeDetector.hour(of: Self.now), history: Self.week()) == (10, 7))
        // A value missing from a sampled hour had no open tickets.
        #expect(SurgeDetector.median(of: "Tier 2", hour: SurgeDetector.hour(of: Self.now), history: Self.week()) == (0, 7))
    }

    @Test(arguments: [
        (["Billing": 16], ["started Billing 16 median 10.0 over 7 days"]),
        // Near miss: exactly 50% over is not above it.
        (["Billing": 15], []),
        // Near miss: far above a median of none, but fewer than min_open.
        (["Tier 2": 4], []),
        (["Tier 2": 5], ["started Tier 2 5 median 0.0 over 7 days"]),
    ])
    func aSpikeStarts(open: [String: Int], expected: [String]) {
        #expect(Self.changes(open) == expected)
    }

    @Test func anOngoingSurgeIsNotAnnouncedAgainAndEndsHalfwayBack() {
        #expect(Self.changes(["Billing": 30], active: [Self.billing]) == [])
        // Between the median and the threshold, but above halfway (12.5): still on.
        #expect(Self.changes(["Billing": 13], active: [Self.billing]) == [])
        #expect(Self.changes(["Billing": 12], active: [Self.billing]) == ["ended Billing 12 median 10.0 over 7 days"])
        // All solved: the value is gone from the counts, and the surge ends.
        #expect(Self.changes([:], active: [Self.billing]) == ["ended Billing 0 median 10.0 over 7 days"])
    }

    @Test func lessThanThreeDaysOfHistoryIsNoBasis() {
        #expect(Self.changes(["Billing": 50], history: Self.week(days: 2)) == [])
        #expect(Self.changes(["Billing": 50], history: Self.week(days: 3)) == ["started Billing 50 median 9.0 over 3 days"])
    }

    @Test func countsOpenTicketsByDimensionAsTheyStoodAtTheInstant() {
        let tickets = [
            Ticket(id: "1", channel: "email", status: .open, group: "Billing", createdAt: at("2026-11-30T10:00:00Z")),
            Ticket(id: "2", customer: Customer(id: "a", tier: "enterprise"), status: .pendingCustomer, group: "Billing",
                   createdAt: at("2026-11-30T10:00:00Z")),
            Ticket(id: "3", status: .solved, group: "Billing", createdAt: at("2026-11-30T10:00:00Z")),
            Ticket(id: "4", status: .open, group: "Billing", createdAt: at("2026-11-30T16:00:00Z")),
            Ticket(id: "5", status: .open, createdAt: at("2026-11-30T10:00:00Z")),
        ]
        #expect(SurgeDetector.count(tickets, by: .group, at: Self.now) == ["Billing": 2])
        #expect(SurgeDetector.count(tickets, by: .tier, at: Self.now) == ["enterprise": 1])
        #expect(SurgeDetector.count(tickets, by: .channel, at: Self.now) == ["email": 1])
    }
}
