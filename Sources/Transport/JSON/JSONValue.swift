public import Foundation

/// A JSON value: what channel encoders build, what sources read out of a response, and
/// what `evaluate` and `log` channels print.
///
/// Objects keep their members in the order written (`JSONObject`). Two ways out:
/// `encoded()` (compact, keys sorted, through `JSONEncoder`: request bodies, the same
/// message giving the same bytes) and `serialized(pretty:)` (keys in the order written:
/// output documented in that order). Sources read documents with their own parser.
public enum JSONValue: Sendable, Hashable, Encodable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object with these members, in this order; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        // JSON has no NaN or infinity; `serialized()` writes them as null too.
        case .double(let value): try value.isFinite ? container.encode(value) : container.encodeNil()
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Compact UTF-8 JSON with sorted keys and unescaped slashes, so the same value always
    /// gives the same bytes; a non-finite `double` is written as null.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every value here is encodable (non-finite numbers are null), so this never falls back.
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    /// The member `key` of an object (the last one, if repeated); nil for anything else.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// True for `null`.
    public var isNull: Bool { self == .null }

    /// The text of a string; nil for anything else.
    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// A number as a `Double`; nil for anything else.
    public var number: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// The value of `true` or `false`; nil for anything else.
    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The items of an array; nil for anything else.
    public var array: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members of an object; nil for anything else.
    public var object: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }
}
