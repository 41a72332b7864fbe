import Foundation

/// A source's own status and priority values mapped onto the canonical ones
/// (`status_map`, `priority_map` in the configuration).
///
/// Decoding a `Ticket` with a mapping in the decoder's `userInfo[.canonicalMapping]`
/// translates mapped values first; canonical values always pass through.
public struct CanonicalMapping: Sendable, Hashable {
    public var statuses: [String: TicketStatus]
    public var priorities: [String: TicketPriority]

    public init(statuses: [String: TicketStatus] = [:], priorities: [String: TicketPriority] = [:]) {
        self.statuses = statuses
        self.priorities = priorities
    }

    public static let identity = CanonicalMapping()
}

extension CodingUserInfoKey {
    /// Where a decoder carries a source's `CanonicalMapping`.
    public static let canonicalMapping = CodingUserInfoKey(rawValue: "slawatch.canonicalMapping")!
}

extension TicketStatus {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let mapping = decoder.userInfo[.canonicalMapping] as? CanonicalMapping
        guard let status = mapping?.statuses[text] ?? TicketStatus(rawValue: text) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath,
                debugDescription: "\"\(text)\" is not a canonical status; use one of "
                    + TicketStatus.allCases.map(\.rawValue).joined(separator: ", ") + ", or map it with status_map"
            ))
        }
        self = status
    }
}

extension TicketPriority {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let mapping = decoder.userInfo[.canonicalMapping] as? CanonicalMapping
        guard let priority = mapping?.priorities[text] ?? TicketPriority(rawValue: text) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath,
                debugDescription: "\"\(text)\" is not a canonical priority; use one of "
                    + TicketPriority.allCases.map(\.rawValue).joined(separator: ", ") + ", or map it with priority_map"
            ))
        }
        self = priority
    }
}
