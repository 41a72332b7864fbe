public import Foundation

/// Forgetting what is over, so the state stays the size of what is still going on.
///
/// A ticket is over once it has been solved or closed, unchanged, since the cutoff: its
/// snapshot, transitions, intents, breaches, clock outcomes and holds go together. Sent and
/// dead-lettered messages, delivery history, ended silences and holds go once older than
/// the cutoff. Nothing of a ticket still open goes, however old: its intents are what keep
/// a step from being sent twice. Messages still pending never go (the dispatcher's maximum
/// age ends them).
public protocol StateRetention: Sendable {
    /// Forgets at most `limit` rows of each kind that ended before `cutoff`, in short
    /// transactions; call again while `PrunedRows.reachedLimit` says there may be more.
    func prune(before cutoff: Date, limit: Int) async throws(StateStoreError) -> PrunedRows
}

/// How many rows one `prune` forgot, by table.
public struct PrunedRows: Sendable, Hashable {
    /// The tables a prune touches, in the order logs and metrics name them.
    public static let tables = [
        "ticket_snapshot", "transition", "intent", "breach", "clock_outcome", "clock_hold", "outbox", "delivery_log", "silence",
    ]

    public private(set) var counts: [String: Int] = [:]
    /// Some kind reached the limit: another call may find more.
    public var reachedLimit = false

    public init() {}

    public var total: Int { counts.values.reduce(0, +) }

    public subscript(table: String) -> Int {
        get { counts[table] ?? 0 }
        set { counts[table] = newValue }
    }

    public mutating func add(_ other: PrunedRows) {
        for (table, count) in other.counts { self[table] += count }
        reachedLimit = other.reachedLimit
    }
}
