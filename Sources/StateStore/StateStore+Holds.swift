public import Foundation
import GRDB
public import SLAEngine

/// An acknowledgement or snooze to record: who answered which clock, how, and for how long.
public struct HoldRequest: Sendable, Hashable {
    public var source: String
    public var ticketID: String
    public var metric: Metric
    public var cycle: Int
    public var hold: ClockHold
    /// How it came: `link`, `slack` or `api` (a bounded metric label).
    public var via: String

    public init(source: String, ticketID: String, metric: Metric, cycle: Int, hold: ClockHold, via: String) {
        self.source = source
        self.ticketID = ticketID
        self.metric = metric
        self.cycle = cycle
        self.hold = hold
        self.via = via
    }

    public var clockKey: String { ClockKey.make(TicketKey.make(source, ticketID), metric, cycle) }
}

/// What recording a hold did.
public enum HoldOutcome: Sendable, Hashable {
    /// Recorded: the ladder is held until its `until`.
    case recorded(ClockHold)
    /// A hold already stands on the clock (a second click, another person): nothing changed.
    case already(ClockHold)
}

extension StateStore {
    /// Records an acknowledgement or snooze unless one already stands on the clock at its
    /// instant; idempotent, so a second POST of the same link changes nothing.
    public func recordHold(_ request: HoldRequest) throws(StateStoreError) -> HoldOutcome {
        let key = request.clockKey
        let at = Int64(request.hold.at.timeIntervalSince1970)
        return try write { db in
            if let row = try Row.fetchOne(db, sql: """
                SELECT kind, by_name, at, until FROM clock_hold WHERE clock_key = ? AND until > ? ORDER BY at DESC LIMIT 1
                """, arguments: [key, at]), let hold = StateStore.hold(row) {
                return .already(hold)
            }
            try db.execute(sql: """
                INSERT INTO clock_hold (clock_key, source, ticket_id, metric, cycle, kind, by_name, via, at, until)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    key, request.source, request.ticketID, request.metric.rawValue, request.cycle, request.hold.kind.rawValue,
                    request.hold.by, request.via, at, Int64(request.hold.until.timeIntervalSince1970),
                ])
            return .recorded(request.hold)
        }
    }

    /// The latest hold of every clock that has one, by clock key.
    public func clockHolds() throws(StateStoreError) -> [String: ClockHold] {
        try read { db in
            var holds: [String: ClockHold] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT clock_key, kind, by_name, at, until FROM clock_hold ORDER BY at, id")
            while let row = try rows.next() {
                if let hold = StateStore.hold(row) { holds[row["clock_key"]] = hold }
            }
            return holds
        }
    }

    /// Every hold recorded on a ticket's clocks, oldest first, with the clock key.
    public func holds(ticketID: String) throws(StateStoreError) -> [(clockKey: String, hold: ClockHold, via: String)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT clock_key, kind, by_name, at, until, via FROM clock_hold WHERE ticket_id = ? ORDER BY at, id
                """, arguments: [ticketID]).compactMap { row in
                StateStore.hold(row).map { (row["clock_key"], $0, row["via"]) }
            }
        }
    }

    private static func hold(_ row: Row) -> ClockHold? {
        guard let kind = ClockHold.Kind(rawValue: row["kind"]) else { return nil }
        return ClockHold(
            kind: kind, by: row["by_name"], at: Date(timeIntervalSince1970: TimeInterval(row["at"] as Int64)),
            until: Date(timeIntervalSince1970: TimeInterval(row["until"] as Int64)))
    }
}
