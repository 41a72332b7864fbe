import Foundation
import Transport

/// What sources read out of a vendor's record beyond `JSONValue`'s plain accessors: numbers
/// and strings taken for one another, as vendors write ids and codes either way.
extension JSONValue {
    /// A string, or a number as its decimal text (ids are often numbers).
    var text: String? {
        switch self {
        case .string(let value): value
        case .int(let value): String(value)
        case .double(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .bool(let value): String(value)
        default: nil
        }
    }

    /// A whole number, or a string of one.
    var int: Int64? {
        switch self {
        case .int(let value): Int64(value)
        case .double(let value) where value == value.rounded() && abs(value) < 9e15: Int64(value)
        case .string(let value): Int64(value)
        default: nil
        }
    }

    /// A short name of the value's kind, for problem messages.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "true or false"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}
