/// The SLA metrics a policy can set targets for.
public enum Metric: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Created → first public agent reply.
    case firstResponse = "first_response"
    /// Each unanswered customer message after the first public reply → the next public reply.
    case nextReply = "next_reply"
    /// Creation or the last public agent reply → the next one, while unsolved.
    case periodicUpdate = "periodic_update"
    /// Created → solved; a reopen resumes the same clock.
    case resolution
    /// An operational level agreement: the ticket entering a group → that group's first
    /// agent reply, private notes included. One cycle per entry into a group that has a
    /// target (`group_targets`); priority plays no part.
    case groupResponse = "group_response"

    /// The metric in words, for explanations and messages.
    public var words: String {
        switch self {
        case .firstResponse: "first response"
        case .nextReply: "next reply"
        case .periodicUpdate: "periodic update"
        case .resolution: "resolution"
        case .groupResponse: "group response"
        }
    }

    /// The metrics whose targets are set per priority under a policy's `targets`.
    public static let priorityMetrics: [Metric] = [.firstResponse, .nextReply, .periodicUpdate, .resolution]

    public static func < (lhs: Metric, rhs: Metric) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Which statuses stop each metric's clock.
public struct PauseRules: Sendable, Hashable {
    /// Statuses per metric; a metric without an entry uses `defaultStatuses`.
    public var statuses: [Metric: Set<TicketStatus>]
    /// `pending_customer`, per DESIGN.md.
    public static let defaultStatuses: Set<TicketStatus> = [.pendingCustomer]

    public init(_ statuses: [Metric: Set<TicketStatus>] = [:]) {
        self.statuses = statuses
    }

    public subscript(metric: Metric) -> Set<TicketStatus> {
        statuses[metric] ?? PauseRules.defaultStatuses
    }
}
