public import Foundation
import PostgresNIO
public import SLAEngine

extension PostgresStateStore {
    /// The samples taken since `hour` (hours since the epoch) and the surges in progress.
    public func surgeState(sinceHour hour: Int64) async throws(StateStoreError) -> SurgeState {
        try await read { connection, logger in
            var state = SurgeState()
            var samples: [SurgeRule.Dimension: [Int64: [String: Int]]] = [:]
            let rows = try await connection.query("""
                SELECT dimension, hour, value, open FROM surge_sample WHERE hour >= \(hour) ORDER BY dimension, hour
                """, logger: logger)
            for try await (dimension, at, value, open) in rows.decode((String, Int64, String, Int).self) {
                guard let by = SurgeRule.Dimension(rawValue: dimension) else { continue }
                var counts = samples[by, default: [:]][at, default: [:]]
                if !value.isEmpty { counts[value] = open }
                samples[by, default: [:]][at] = counts
            }
            state.history = samples.mapValues { byHour in byHour.keys.sorted().map { SurgeSample(hour: $0, open: byHour[$0]!) } }
            let active = try await connection.query("SELECT dimension, value, since, channels FROM surge ORDER BY dimension, value", logger: logger)
            for try await (dimension, value, since, channels) in active.decode((String, String, Int64, String).self) {
                guard let by = SurgeRule.Dimension(rawValue: dimension) else { continue }
                state.active.append(ActiveSurge(
                    by: by, value: value, since: Date(timeIntervalSince1970: TimeInterval(since)),
                    channels: channels.split(separator: ",").map(String.init)))
            }
            return state
        }
    }

    /// Writes a tick's surge changes inside its transaction.
    static func write(_ surges: SurgeCommit, on connection: PostgresConnection, logger: Logger) async throws {
        guard !surges.isEmpty else { return }
        for (by, sample) in surges.samples {
            let dimension = by.rawValue
            try await connection.query("DELETE FROM surge_sample WHERE dimension = \(dimension) AND hour = \(sample.hour)", logger: logger)
            let values = [""] + sample.open.keys.filter { !$0.isEmpty }.sorted()
            let counts = values.map { $0.isEmpty ? Int64(sample.open.values.reduce(0, +)) : Int64(sample.open[$0]!) }
            try await connection.query("""
                INSERT INTO surge_sample (dimension, hour, value, open)
                SELECT \(dimension), \(sample.hour), value, open FROM unnest(\(values)::text[], \(counts)::int8[]) AS t(value, open)
                """, logger: logger)
            try await connection.query("""
                DELETE FROM surge_sample WHERE dimension = \(dimension) AND hour < \(sample.hour - StateStore.surgeHistoryHours)
                """, logger: logger)
        }
        for surge in surges.ended {
            try await connection.query("DELETE FROM surge WHERE dimension = \(surge.by.rawValue) AND value = \(surge.value)", logger: logger)
        }
        for surge in surges.started {
            try await connection.query("""
                INSERT INTO surge (dimension, value, since, channels)
                VALUES (\(surge.by.rawValue), \(surge.value), \(Int64(surge.since.timeIntervalSince1970)), \(surge.channels.joined(separator: ",")))
                ON CONFLICT (dimension, value) DO UPDATE SET since = excluded.since, channels = excluded.channels
                """, logger: logger)
        }
    }

    /// The latest acknowledgement or snooze of every clock that has one, by clock key.
    public func clockHolds() async throws(StateStoreError) -> [String: ClockHold] {
        try await read { connection, logger in
            var holds: [String: ClockHold] = [:]
            let rows = try await connection.query("SELECT clock_key, kind, by_name, at, until FROM clock_hold ORDER BY at, id", logger: logger)
            for try await (key, kind, by, at, until) in rows.decode((String, String, String, Int64, Int64).self) {
                guard let kind = ClockHold.Kind(rawValue: kind) else { continue }
                holds[key] = ClockHold(
                    kind: kind, by: by, at: Date(timeIntervalSince1970: TimeInterval(at)), until: Date(timeIntervalSince1970: TimeInterval(until)))
            }
            return holds
        }
    }
}
