public import BusinessTime

/// An SLA policy: which tickets it covers, on which calendar, with which targets.
public struct Policy: Sendable {
    /// The longest target a configuration may give: ten years, past any service level; a
    /// longer one is a slip of the keyboard (`9999d`), and its due times fall past the years
    /// that RFC 3339 can write.
    public static let longestTarget = 3650 * 86_400

    public var name: String
    /// Which tickets the policy covers; `.any` when the config gives no `match`.
    public var match: TicketMatch
    /// The calendar its targets run on; `24x7` when the config names none.
    public var calendar: BusinessCalendar
    /// Target business seconds per priority and metric; `nil` priority is the config's `any`,
    /// used where the ticket's own priority has no entry for that metric.
    public var targets: [TicketPriority?: [Metric: Int]]
    /// The ladder per metric; `ladder` applies where a metric has no entry.
    public var ladders: [Metric: String]
    /// The ladder for metrics not named in `ladders`: `default` unless the config says otherwise.
    public var ladder: String
    /// `customer_notices: false` keeps this policy's clocks from telling customers. Default true.
    public var customerNotices: Bool
    /// `group_targets`: group → `group_response` business seconds (an operational level
    /// agreement between internal groups). Groups compare as `match` does, ignoring case.
    public var groupTargets: [String: Int]

    public init(
        name: String, match: TicketMatch = .any, calendar: BusinessCalendar = .alwaysOpen,
        targets: [TicketPriority?: [Metric: Int]], ladder: String = "default", ladders: [Metric: String] = [:],
        customerNotices: Bool = true, groupTargets: [String: Int] = [:]
    ) {
        self.customerNotices = customerNotices
        self.groupTargets = Dictionary(groupTargets.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: min)
        self.name = name
        self.match = match
        self.calendar = calendar
        self.targets = targets
        self.ladder = ladder
        self.ladders = ladders
    }

    /// The target in business seconds for a priority and metric, if the policy sets one.
    public func target(priority: TicketPriority, metric: Metric) -> Int? {
        targets[priority]?[metric] ?? targets[nil]?[metric]
    }

    /// The `group_response` target for a group, if the policy sets one.
    public func groupTarget(for group: String?) -> Int? {
        group.flatMap { groupTargets[$0.lowercased()] }
    }

    /// The name of the ladder that escalates this metric.
    public func ladderName(for metric: Metric) -> String {
        ladders[metric] ?? ladder
    }
}
