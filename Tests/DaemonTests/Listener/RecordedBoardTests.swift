import BusinessTime
import Foundation
import SLAEngine
import Testing
@testable import Daemon

/// What a standby's status page shows: the breached clocks the leader recorded, brought to
/// now on their calendar, worst first, with who holds them.
@Suite struct RecordedBoardTests {
    static let office = BusinessCalendar(
        name: "office", timeZone: TimeZone(identifier: "UTC")!,
        week: WeeklySchedule(Dictionary(uniqueKeysWithValues: [Weekday.monday, .tuesday, .wednesday, .thursday, .friday].map {
            ($0, [try! TimeWindow(parsing: "09:00-17:00")])
        })))

    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func breach(_ id: String, calendar: String, due: String, state: ClockState = .breached, fulfilled: String? = nil) -> ClockOutcome {
        ClockOutcome(
            source: "desk", ticketID: id, metric: .firstResponse, cycle: 1, state: state, policy: "standard", calendar: calendar,
            targetSeconds: 3600, startedAt: instant(due) - 3600, dueAt: instant(due), fulfilledAt: fulfilled.map(instant),
            elapsedSeconds: 3600, pausedSeconds: 0, customer: "acme", tier: "gold", group: "Billing", team: "billing",
            channel: "email", priority: .high)
    }

    @Test func breachedClocksRunOnTheirCalendarWorstFirstWithTheirHolds() {
        // Friday 2026-11-20: due at 16:00 in the office (open until 17:00), and at 16:30 on 24x7.
        let now = Self.instant("2026-11-23T10:00:00Z")  // the next Monday, an hour into the day
        let office = Self.breach("T-1", calendar: "office", due: "2026-11-20T16:00:00Z")
        let always = Self.breach("T-2", calendar: "24x7", due: "2026-11-23T08:00:00Z")
        let gone = Self.breach("T-3", calendar: "retired", due: "2026-11-23T09:00:00Z")
        let met = Self.breach("T-4", calendar: "24x7", due: "2026-11-20T16:00:00Z", state: .missed, fulfilled: "2026-11-21T10:00:00Z")
        let hold = ClockHold(kind: .ack, by: "dana", at: now - 60, until: now + 3600)
        let board = StatusBoard(
            recorded: [always, office, gone, met], calendars: ["office": Self.office, "24x7": .alwaysOpen],
            holds: [office.clockKey: hold, always.clockKey: ClockHold(kind: .snooze, by: "erin", at: now - 7200, until: now - 3600)],
            at: now)
        // T-1: Friday 16:00-17:00 and Monday 09:00-10:00 past due; T-2: two hours past due;
        // T-3's calendar is gone from the configuration: as recorded. Equal shares: the
        // earlier due time first.
        #expect(board.entries.map(\.ticket.id) == ["T-1", "T-2", "T-3"])
        #expect(board.entries.map(\.clock.remainingSeconds) == [-7200, -7200, 0])
        #expect(board.entries.map(\.clock.percent) == [300, 300, 100])
        #expect(board.entries.map { $0.hold?.by } == ["dana", nil, nil])
        #expect(board.entries.allSatisfy { $0.clock.nextStep == nil && $0.team == "billing" && $0.ticket.source == "desk" })
        #expect(board.openClocks == 3 && board.note == StatusBoard.recordedNote)
        // The page says whose clocks they are.
        #expect(StatusPage.render(board).contains("stands by"))
    }
}
