public import Foundation

/// Whether each source's tickets are fresh: a source whose last successful poll is older
/// than its staleness limit (`stale_after`, default three poll intervals) is stale from the
/// instant that limit ran out, and the tickets the daemon holds from it may be out of date.
///
/// Pure: track each source, feed it every poll's outcome with its instant and call `check`
/// as time passes; send the notices it returns. It says "became stale" once when a source
/// goes stale and "recovered" once at its next successful poll, never once per failed poll
/// (like `Delivery.ChannelHealth`). A source that never succeeded counts from when it was
/// first tracked. A success that ends a staleness nobody was told of says nothing.
public struct SourceFreshness: Sendable {
    /// Something ops should hear about.
    public enum Notice: Sendable, Hashable {
        /// No poll of `source` has succeeded for its whole limit: stale since `since`;
        /// `lastSuccess` is nil when it never succeeded.
        case becameStale(source: String, since: Date, lastSuccess: Date?)
        /// `source` polled successfully at `at` after being stale since `staleSince`.
        case recovered(source: String, staleSince: Date, at: Date)
    }

    /// One source's freshness at an instant.
    public struct Status: Sendable, Hashable {
        /// The last successful poll, nil when none succeeded.
        public var lastSuccess: Date?
        /// When the data went stale; nil while it is fresh.
        public var staleSince: Date?
        /// Seconds a source may go without a successful poll.
        public var limit: TimeInterval

        public init(lastSuccess: Date?, staleSince: Date?, limit: TimeInterval) {
            self.lastSuccess = lastSuccess
            self.staleSince = staleSince
            self.limit = limit
        }

        public var isFresh: Bool { staleSince == nil }
    }

    private struct Entry: Sendable {
        var limit: TimeInterval
        /// Tracked since; the clock of a source that never succeeded starts here.
        var tracked: Date
        var lastSuccess: Date?
        /// The staleness ops were told of, until they are told it ended.
        var announced: Date?

        var deadline: Date { (lastSuccess ?? tracked).addingTimeInterval(limit) }
    }

    private var entries: [String: Entry] = [:]

    public init() {}

    /// The limit for a source: `staleAfter` seconds when given, else three poll intervals.
    public static func limit(pollInterval: TimeInterval, staleAfter: TimeInterval? = nil) -> TimeInterval {
        staleAfter ?? 3 * pollInterval
    }

    /// Starts watching `source` from `start`, or, for one already watched (after a reload),
    /// changes its limit and keeps its history.
    public mutating func track(_ source: String, pollInterval: TimeInterval, staleAfter: TimeInterval? = nil, from start: Date) {
        let limit = SourceFreshness.limit(pollInterval: pollInterval, staleAfter: staleAfter)
        if entries[source] != nil {
            entries[source]!.limit = limit
        } else {
            entries[source] = Entry(limit: limit, tracked: start)
        }
    }

    /// Stops watching `source` (removed from the configuration).
    public mutating func untrack(_ source: String) {
        entries[source] = nil
    }

    /// Sources watched, by name.
    public var sources: [String] { entries.keys.sorted() }

    /// Records one poll of `source` at `at`; returns what to tell ops. Untracked sources are
    /// ignored.
    public mutating func record(_ source: String, succeeded: Bool, at: Date) -> [Notice] {
        guard var entry = entries[source] else { return [] }
        defer { entries[source] = entry }
        if succeeded {
            entry.lastSuccess = max(entry.lastSuccess ?? at, at)
            guard let since = entry.announced else { return [] }
            entry.announced = nil
            return [.recovered(source: source, staleSince: since, at: at)]
        }
        return SourceFreshness.announce(source, &entry, at: at)
    }

    /// Checks every source at `at`: the ones whose limit ran out since the last check.
    public mutating func check(at: Date) -> [Notice] {
        var notices: [Notice] = []
        for source in entries.keys.sorted() {
            notices += SourceFreshness.announce(source, &entries[source]!, at: at)
        }
        return notices
    }

    /// `source`'s freshness at `at`; nil when it is not tracked.
    public func status(of source: String, at: Date) -> Status? {
        guard let entry = entries[source] else { return nil }
        let stale = at >= entry.deadline
        return Status(lastSuccess: entry.lastSuccess, staleSince: stale ? entry.deadline : nil, limit: entry.limit)
    }

    private static func announce(_ source: String, _ entry: inout Entry, at: Date) -> [Notice] {
        guard entry.announced == nil, at >= entry.deadline else { return [] }
        entry.announced = entry.deadline
        return [.becameStale(source: source, since: entry.deadline, lastSuccess: entry.lastSuccess)]
    }
}
