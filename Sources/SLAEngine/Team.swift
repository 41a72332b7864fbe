/// A role on an escalation ladder, lowest first.
public enum Role: String, Sendable, Hashable, CaseIterable, Comparable {
    case lead, manager, director, executive

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The people a ticket escalates to: a ticket belongs to the first team whose `match` holds.
public struct Team: Sendable, Hashable {
    public var name: String
    /// `.any` for a team without `match` (such as `default`).
    public var match: TicketMatch
    /// Channel names per role.
    public var roles: [Role: [String]]

    public init(name: String, match: TicketMatch = .any, roles: [Role: [String]]) {
        self.name = name
        self.match = match
        self.roles = roles
    }
}
