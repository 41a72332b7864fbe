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
        self = try decodeCanonical(from: decoder, mapped: \.statuses, kind: "status", mapKey: "status_map")
    }
}

extension TicketPriority {
    public init(from decoder: any Decoder) throws {
        self = try decodeCanonical(from: decoder, mapped: \.priorities, kind: "priority", mapKey: "priority_map")
    }
}

/// Decodes a canonical value, translating the source's own value through the decoder's
/// mapping first.
private func decodeCanonical<Value: RawRepresentable & CaseIterable>(
    from decoder: any Decoder, mapped: KeyPath<CanonicalMapping, [String: Value]>, kind: String, mapKey: String
) throws -> Value where Value.RawValue == String {
    let text = try decoder.singleValueContainer().decode(String.self)
    let mapping = decoder.userInfo[.canonicalMapping] as? CanonicalMapping
    if let value = mapping?[keyPath: mapped][text] ?? Value(rawValue: text) { return value }
    throw DecodingError.dataCorrupted(DecodingError.Context(
        codingPath: decoder.codingPath,
        debugDescription: "\"\(text)\" is not a canonical \(kind); use one of "
            + Value.allCases.map(\.rawValue).joined(separator: ", ") + ", or map it with \(mapKey)"
    ))
}
