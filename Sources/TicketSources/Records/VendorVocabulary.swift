import SLAEngine

/// How one source's own status and priority values map onto the canonical ones: the
/// configuration's `status_map`/`priority_map` first, then the source's defaults, each
/// matched exactly and then case-insensitively, then the canonical names themselves.
struct VendorVocabulary: Sendable {
    var defaults: CanonicalMapping
    var overrides: CanonicalMapping
    /// The status of a value nobody mapped, for services with custom statuses; nil makes it a
    /// record problem.
    var unknownStatus: TicketStatus?
    /// Likewise for priorities.
    var unknownPriority: TicketPriority?

    init(
        defaults: CanonicalMapping, overrides: CanonicalMapping, unknownStatus: TicketStatus? = nil,
        unknownPriority: TicketPriority? = nil
    ) {
        self.defaults = defaults
        self.overrides = overrides
        self.unknownStatus = unknownStatus
        self.unknownPriority = unknownPriority
    }

    func status(_ value: String) -> TicketStatus? {
        VendorVocabulary.lookup(value, in: overrides.statuses) ?? VendorVocabulary.lookup(value, in: defaults.statuses)
            ?? TicketStatus(rawValue: value.lowercased()) ?? unknownStatus
    }

    func priority(_ value: String) -> TicketPriority? {
        VendorVocabulary.lookup(value, in: overrides.priorities) ?? VendorVocabulary.lookup(value, in: defaults.priorities)
            ?? TicketPriority(rawValue: value.lowercased()) ?? unknownPriority
    }

    private static func lookup<Value>(_ value: String, in map: [String: Value]) -> Value? {
        if let exact = map[value] { return exact }
        let folded = value.lowercased()
        return map.first { $0.key.lowercased() == folded }?.value
    }

    /// Whether a map or the canonical names know `value`, rather than `unknownStatus` standing in for it.
    func knows(status value: String) -> Bool {
        VendorVocabulary.lookup(value, in: overrides.statuses) ?? VendorVocabulary.lookup(value, in: defaults.statuses)
            ?? TicketStatus(rawValue: value.lowercased()) != nil
    }

    /// Likewise for priorities.
    func knows(priority value: String) -> Bool {
        VendorVocabulary.lookup(value, in: overrides.priorities) ?? VendorVocabulary.lookup(value, in: defaults.priorities)
            ?? TicketPriority(rawValue: value.lowercased()) != nil
    }

    /// The note for a value no map names, taken as `canonical` all the same: a source
    /// problem, said once while it lasts, so a custom value is mapped rather than guessed
    /// without a word.
    static func guessed(_ kind: String, _ value: String, as canonical: String, mapKey: String) -> String {
        "\(kind) \"\(value)\" is not known, so its tickets are taken as \(canonical); "
            + "if that is wrong, map it with \(mapKey)"
    }

    /// The problem message for a value that maps to nothing.
    static func unmapped(_ kind: String, _ value: String, mapKey: String) -> String {
        let canonical = kind == "status"
            ? TicketStatus.allCases.map(\.rawValue) : TicketPriority.allCases.map(\.rawValue)
        return "\(kind) \"\(value)\" is not known; map it onto one of \(canonical.joined(separator: ", ")) with \(mapKey)"
    }
}
