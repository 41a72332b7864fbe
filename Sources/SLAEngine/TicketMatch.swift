/// A condition on a ticket, as written under `match:` in policies and teams.
///
/// Every field must hold (and); a field holds when the ticket's value equals any of the
/// listed values (or, for `tags`, when the ticket carries any of them). Comparison is
/// case-insensitive. An empty match holds for every ticket.
public struct TicketMatch: Sendable, Hashable {
    /// A ticket field that can be matched on; the raw value is the config key.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case customerTier = "customer.tier"
        case customerID = "customer.id"
        case customerName = "customer.name"
        case group
        case tags
        case priority
        case channel
        case assignee
    }

    /// Wanted values per field, lowercased.
    public let conditions: [Field: [String]]
    /// The same, as a list: iterated per ticket without hashing.
    private let checks: [(field: Field, wanted: Set<String>)]

    public init(_ conditions: [Field: [String]] = [:]) {
        self.conditions = conditions.mapValues { $0.map { $0.lowercased() } }
        checks = self.conditions.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, Set($0.value)) }
    }

    public static func == (lhs: TicketMatch, rhs: TicketMatch) -> Bool { lhs.conditions == rhs.conditions }
    public func hash(into hasher: inout Hasher) { hasher.combine(conditions) }

    public static let any = TicketMatch()

    public func holds(for ticket: Ticket) -> Bool {
        for (field, wanted) in checks {
            let values: [String?]
            switch field {
            case .customerTier: values = [ticket.customer.tier]
            case .customerID: values = [ticket.customer.id]
            case .customerName: values = [ticket.customer.name]
            case .group: values = [ticket.group]
            case .tags: values = ticket.tags
            case .priority: values = [ticket.priority.rawValue]
            case .channel: values = [ticket.channel]
            case .assignee: values = [ticket.assignee]
            }
            guard values.contains(where: { value in
                value.map { wanted.contains($0) || wanted.contains($0.lowercased()) } ?? false
            }) else {
                return false
            }
        }
        return true
    }
}
