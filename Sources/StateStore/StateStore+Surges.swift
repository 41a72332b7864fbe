public import Foundation
import GRDB
public import SLAEngine

/// What a tick changes about surges: written in the tick's transaction, with the messages.
public struct SurgeCommit: Sendable {
    /// The open tickets per value now, per dimension: this hour's sample (replacing an
    /// earlier one of the same hour).
    public var samples: [(by: SurgeRule.Dimension, sample: SurgeSample)] = []
    public var started: [ActiveSurge] = []
    public var ended: [ActiveSurge] = []

    public init() {}

    var isEmpty: Bool { samples.isEmpty && started.isEmpty && ended.isEmpty }
}

/// What the store holds about surges: a week of hourly samples and the surges in progress.
public struct SurgeState: Sendable {
    public var history: [SurgeRule.Dimension: [SurgeSample]] = [:]
    public var active: [ActiveSurge] = []

    public init() {}
}

extension StateStore {
    /// Samples are kept this many hours: the previous 7 days at the same hour, and a day to spare.
    static let surgeHistoryHours: Int64 = 8 * 24

    /// The samples taken since `hour` (hours since the epoch) and the surges in progress.
    public func surgeState(sinceHour hour: Int64) throws(StateStoreError) -> SurgeState {
        try read { db in
            var state = SurgeState()
            var samples: [SurgeRule.Dimension: [Int64: [String: Int]]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT dimension, hour, value, open FROM surge_sample WHERE hour >= ? ORDER BY dimension, hour
                """, arguments: [hour])
            while let row = try rows.next() {
                guard let by = SurgeRule.Dimension(rawValue: row["dimension"]) else { continue }
                let value: String = row["value"]
                var counts = samples[by, default: [:]][row["hour"], default: [:]]
                if !value.isEmpty { counts[value] = row["open"] }
                samples[by, default: [:]][row["hour"]] = counts
            }
            state.history = samples.mapValues { byHour in
                byHour.keys.sorted().map { SurgeSample(hour: $0, open: byHour[$0]!) }
            }
            state.active = try Row.fetchAll(db, sql: "SELECT dimension, value, since, channels FROM surge ORDER BY dimension, value")
                .compactMap { row in
                    guard let by = SurgeRule.Dimension(rawValue: row["dimension"]) else { return nil }
                    let channels: String = row["channels"]
                    return ActiveSurge(
                        by: by, value: row["value"], since: Date(timeIntervalSince1970: TimeInterval(row["since"] as Int64)),
                        channels: channels.split(separator: ",").map(String.init)
                    )
                }
            return state
        }
    }

    /// Writes a tick's surge changes inside its transaction.
    static func write(_ surges: SurgeCommit, db: Database) throws {
        guard !surges.isEmpty else { return }
        for (by, sample) in surges.samples {
            try db.execute(sql: "DELETE FROM surge_sample WHERE dimension = ? AND hour = ?", arguments: [by.rawValue, sample.hour])
            try db.execute(sql: "INSERT INTO surge_sample (dimension, hour, value, open) VALUES (?, ?, '', ?)",
                           arguments: [by.rawValue, sample.hour, sample.open.values.reduce(0, +)])
            for (value, open) in sample.open where !value.isEmpty {
                try db.execute(sql: "INSERT INTO surge_sample (dimension, hour, value, open) VALUES (?, ?, ?, ?)",
                               arguments: [by.rawValue, sample.hour, value, open])
            }
            try db.execute(sql: "DELETE FROM surge_sample WHERE dimension = ? AND hour < ?",
                           arguments: [by.rawValue, sample.hour - surgeHistoryHours])
        }
        for surge in surges.ended {
            try db.execute(sql: "DELETE FROM surge WHERE dimension = ? AND value = ?", arguments: [surge.by.rawValue, surge.value])
        }
        for surge in surges.started {
            try db.execute(sql: "INSERT OR REPLACE INTO surge (dimension, value, since, channels) VALUES (?, ?, ?, ?)", arguments: [
                surge.by.rawValue, surge.value, Int64(surge.since.timeIntervalSince1970), surge.channels.joined(separator: ","),
            ])
        }
    }
}
