import Foundation
import Transport

/// Why one record of a page could not become a ticket; it becomes a `RecordProblem` and the
/// rest of the page still counts.
struct RecordFailure: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }

    /// A required instant: missing, null or unreadable is a failure.
    static func requiredTime(_ node: JSONValue?, _ field: String) throws(RecordFailure) -> Date {
        guard let node, !node.isNull else { throw RecordFailure("missing \"\(field)\"") }
        guard let date = VendorTime.parse(node) else { throw badTime(node, field) }
        return date
    }

    /// An optional instant: missing or null is nil, unreadable is a failure.
    static func optionalTime(_ node: JSONValue?, _ field: String) throws(RecordFailure) -> Date? {
        guard let node, !node.isNull else { return nil }
        guard let date = VendorTime.parse(node) else { throw badTime(node, field) }
        return date
    }

    private static func badTime(_ node: JSONValue, _ field: String) -> RecordFailure {
        if let text = node.string {
            return RecordFailure("\(field): \"\(text.prefix(60))\" is not an RFC 3339 time")
        }
        return RecordFailure("\(field): expected an RFC 3339 time, found \(node.kind)")
    }

    /// A list of tags: strings (numbers as text); anything else is skipped.
    static func tags(_ node: JSONValue?) -> [String] {
        node?.array?.compactMap(\.text) ?? []
    }
}
