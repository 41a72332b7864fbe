public import Foundation
public import SLAEngine

/// What a compliance report asks: the period, the instant open clocks are judged at,
/// the grouping, and the zone weeks are read in.
public struct ReportQuery: Sendable, Hashable {
    /// Inclusive.
    public var since: Date
    /// Exclusive.
    public var until: Date
    /// Open clocks count as breached when their due time passed by this instant.
    public var at: Date
    public var by: [ReportDimension]
    public var zone: ReportZone

    public init(since: Date, until: Date, at: Date, by: [ReportDimension] = [], zone: ReportZone = .utc) {
        self.since = since
        self.until = until
        self.at = at
        self.by = by
        self.zone = zone
    }
}

/// A compliance report over clock outcomes (DESIGN.md, "People see"). Pure: the
/// outcomes and the instant are arguments.
///
/// A clock counts in the period when it was fulfilled in it (met or missed), or when it
/// is still open at `at` and its due time passed in it (breached).
public struct ComplianceReport: Sendable, Hashable {
    /// One row: the values of the grouping keys (nil where the ticket has none) and its figures.
    public struct Row: Sendable, Hashable {
        public var group: [ReportDimension: String?]
        public var stats: ComplianceStats
    }

    public var query: ReportQuery
    /// Sorted by the grouping keys in `query.by` order; one row with an empty group when
    /// the report is not grouped.
    public var rows: [Row]
    public var total: ComplianceStats
    /// One line per customer of a tier with a credit rule and clocks in the period,
    /// largest credit first.
    public var credits: [CreditLine]
    /// The achieved share and breaches per ISO week, and breaches per priority, for charts.
    public var weeks: [(week: String, stats: ComplianceStats)]
    public var priorities: [(priority: TicketPriority, stats: ComplianceStats)]

    public static func == (lhs: ComplianceReport, rhs: ComplianceReport) -> Bool {
        lhs.query == rhs.query && lhs.rows == rhs.rows && lhs.total == rhs.total && lhs.credits == rhs.credits
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(query)
        hasher.combine(rows)
    }

    /// Counts `outcomes` as they stood at `query.at` into the period's rows, total and credits.
    /// `credits` is keyed by tier, lowercased.
    public init(outcomes: [ClockOutcome], query: ReportQuery, credits: [String: CreditRule] = [:]) {
        self.query = query
        var groups: [[String?]: ComplianceStats] = [:]
        var total = ComplianceStats()
        var perCustomer: [String: (tier: String, stats: ComplianceStats)] = [:]
        var weeks: [String: ComplianceStats] = [:]
        var priorities: [TicketPriority: ComplianceStats] = [:]
        for recorded in outcomes {
            guard let outcome = recorded.judged(at: query.at) else { continue }
            let counted = outcome.fulfilledAt ?? outcome.dueAt!
            guard counted >= query.since && counted < query.until else { continue }
            let week = query.zone.weekLabel(counted)
            let key = query.by.map { ComplianceReport.value(of: $0, outcome, week: week) }
            groups[key, default: ComplianceStats()].add(outcome)
            total.add(outcome)
            weeks[week, default: ComplianceStats()].add(outcome)
            priorities[outcome.priority, default: ComplianceStats()].add(outcome)
            // A group target is an agreement between internal groups, not a promise to the
            // customer: it never earns a service credit.
            if outcome.metric != .groupResponse, let tier = outcome.tier?.lowercased(), credits[tier] != nil {
                perCustomer[outcome.customer, default: (tier, ComplianceStats())].stats.add(outcome)
            }
        }
        if query.by.isEmpty && groups.isEmpty { groups[[]] = ComplianceStats() }
        let by = query.by
        rows = groups.map { key, stats in
            Row(group: Dictionary(uniqueKeysWithValues: zip(by, key)), stats: stats)
        }.sorted { a, b in
            for dimension in by {
                let x = a.group[dimension] ?? nil, y = b.group[dimension] ?? nil
                if x == y { continue }
                return ComplianceReport.orders(x, before: y, dimension)
            }
            return false
        }
        self.total = total
        self.credits = perCustomer.map { customer, entry in
            let rule = credits[entry.tier]!
            let credit = rule.credit(achieved: entry.stats.achieved, measured: entry.stats.measured)
            return CreditLine(
                customer: customer, tier: entry.tier, measured: entry.stats.measured,
                achievedPercent: entry.stats.achievedPercent ?? 0, creditPercent: Double(credit) / 100
            )
        }.sorted { ($0.creditPercent, $1.customer) > ($1.creditPercent, $0.customer) }
        self.weeks = weeks.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        self.priorities = TicketPriority.allCases.compactMap { p in priorities[p].map { (p, $0) } }
    }

    /// The value of one grouping key for an outcome; nil where the ticket has none.
    static func value(of dimension: ReportDimension, _ outcome: ClockOutcome, week: String) -> String? {
        switch dimension {
        case .priority: outcome.priority.rawValue
        case .group: outcome.group
        case .channel: outcome.channel
        case .tier: outcome.tier
        case .metric: outcome.metric.rawValue
        // A ticket without a customer has an empty id: no customer, like a missing group.
        case .customer: outcome.customer.isEmpty ? nil : outcome.customer
        case .team: outcome.team
        case .week: week
        }
    }

    /// Priorities most urgent first, metrics in their documented order, weeks in time,
    /// other values alphabetically; a missing value last.
    static func orders(_ x: String?, before y: String?, _ dimension: ReportDimension) -> Bool {
        guard let x else { return false }
        guard let y else { return true }
        switch dimension {
        case .priority:
            let order = TicketPriority.allCases.map(\.rawValue)
            return (order.firstIndex(of: x) ?? 99, x) < (order.firstIndex(of: y) ?? 99, y)
        case .metric:
            let order = Metric.allCases.map(\.rawValue)
            return (order.firstIndex(of: x) ?? 99, x) < (order.firstIndex(of: y) ?? 99, y)
        default:
            return x < y
        }
    }
}
