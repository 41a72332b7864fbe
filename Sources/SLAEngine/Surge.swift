public import Foundation

/// `surges[]`: open tickets per group (or tier, or channel) compared with the median at the
/// same hour of day over the previous 7 days.
public struct SurgeRule: Sendable, Hashable {
    /// What open tickets are counted by.
    public enum Dimension: String, Sendable, Hashable, CaseIterable {
        case group, tier, channel

        /// A ticket's value of the dimension; nil when the ticket has none.
        public func value(of ticket: Ticket) -> String? {
            switch self {
            case .group: ticket.group
            case .tier: ticket.customer.tier
            case .channel: ticket.channel
            }
        }
    }

    public var by: Dimension
    /// `over: 50%`: how far above the median a count must be to be a surge.
    public var overPercent: Double
    /// `min_open`: a count below this is never a surge, however small the median (a quiet
    /// night's one ticket against a median of none). Default 5.
    public var minOpen: Int
    /// Roles of the teams of the surging tickets, or channel names.
    public var notify: [String]

    public init(by: Dimension, overPercent: Double, minOpen: Int = 5, notify: [String]) {
        self.by = by
        self.overPercent = overPercent
        self.minOpen = minOpen
        self.notify = notify
    }

    /// The count above which a median makes a surge.
    public func threshold(median: Double) -> Double { median * (1 + overPercent / 100) }
}

/// Open tickets per value of a dimension at one hour: what the store keeps for a week.
public struct SurgeSample: Sendable, Hashable {
    /// Hours since the epoch (UTC): one sample per hour, the last of the hour kept.
    public var hour: Int64
    /// Open tickets per value; a value absent had none.
    public var open: [String: Int]

    public init(hour: Int64, open: [String: Int]) {
        self.hour = hour
        self.open = open
    }
}

/// A surge in progress, as the store keeps it between ticks.
public struct ActiveSurge: Sendable, Hashable {
    public var by: SurgeRule.Dimension
    public var value: String
    public var since: Date
    /// The channels that heard it start: they hear it end.
    public var channels: [String]

    public init(by: SurgeRule.Dimension, value: String, since: Date, channels: [String]) {
        self.by = by
        self.value = value
        self.since = since
        self.channels = channels
    }

    /// `surge/BY/VALUE/SINCE`: the start's idempotency key; the end's adds `/end`.
    public var key: String { "surge/\(by.rawValue)/\(value)/\(Int64(since.timeIntervalSince1970))" }
}

/// What the surge detector found for one value of a dimension.
public struct SurgeChange: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case started, ended }
    public var kind: Kind
    public var by: SurgeRule.Dimension
    public var value: String
    public var open: Int
    /// The median at this hour of day over the days of the last week with a sample.
    public var median: Double
    /// How many days that median is over.
    public var days: Int

    public init(kind: Kind, by: SurgeRule.Dimension, value: String, open: Int, median: Double, days: Int) {
        self.kind = kind
        self.by = by
        self.value = value
        self.open = open
        self.median = median
        self.days = days
    }
}

/// Compares open tickets now with the same hour of day over the previous 7 days. Pure:
/// the samples and the surges in progress are arguments.
///
/// - A surge starts when a value's count is at least `min_open` and above the median × (1 +
///   `over`), with samples of at least 3 of the previous 7 days at that hour.
/// - It ends when the count falls back to at most halfway between the median and that
///   threshold, so a count wavering at the threshold is one surge, not many.
public enum SurgeDetector {
    /// Days of history needed before anything counts as a surge.
    public static let minimumDays = 3

    /// Open tickets per value at `now` (a ticket created later is not counted).
    public static func count(_ tickets: [Ticket], by dimension: SurgeRule.Dimension, at now: Date) -> [String: Int] {
        var open: [String: Int] = [:]
        for ticket in tickets where !ticket.status.isSolved && ticket.createdAt <= now {
            guard let value = dimension.value(of: ticket), !value.isEmpty else { continue }
            open[value, default: 0] += 1
        }
        return open
    }

    /// The hour `now` falls in, in hours since the epoch.
    public static func hour(of now: Date) -> Int64 { Int64((now.timeIntervalSince1970 / 3600).rounded(.down)) }

    /// The median at the same hour on each of the previous 7 days that has a sample.
    public static func median(of value: String, hour: Int64, history: [SurgeSample]) -> (median: Double, days: Int) {
        let wanted = Set((1...7).map { hour - 24 * Int64($0) })
        let counts = history.filter { wanted.contains($0.hour) }.map { Double($0.open[value] ?? 0) }.sorted()
        guard !counts.isEmpty else { return (0, 0) }
        let middle = counts.count / 2
        let median = counts.count % 2 == 1 ? counts[middle] : (counts[middle - 1] + counts[middle]) / 2
        return (median, counts.count)
    }

    /// The surges of `rule` that start or end now.
    public static func changes(
        rule: SurgeRule, open: [String: Int], history: [SurgeSample], active: [ActiveSurge], at now: Date
    ) -> [SurgeChange] {
        let hour = hour(of: now)
        var changes: [SurgeChange] = []
        let ongoing = Set(active.filter { $0.by == rule.by }.map(\.value))
        for value in Set(open.keys).union(ongoing).sorted() {
            let count = open[value] ?? 0
            let (median, days) = median(of: value, hour: hour, history: history)
            let threshold = rule.threshold(median: median)
            if ongoing.contains(value) {
                if Double(count) <= (median + threshold) / 2 || count < rule.minOpen {
                    changes.append(SurgeChange(kind: .ended, by: rule.by, value: value, open: count, median: median, days: days))
                }
            } else if days >= minimumDays, count >= rule.minOpen, Double(count) > threshold {
                changes.append(SurgeChange(kind: .started, by: rule.by, value: value, open: count, median: median, days: days))
            }
        }
        return changes
    }
}
