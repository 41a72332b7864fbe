public import Foundation

/// A JSON value: what channel encoders build, what sources read out of a response, and
/// what `evaluate` and `log` channels print.
///
/// Objects keep their members in the order written (`JSONObject`). Two ways out:
/// `encoded()` (compact, keys sorted: request bodies, the same
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
    ///
    /// Written by `JSONWriter` (every request body of every channel goes through here, so
    /// `JSONEncoder`'s boxing of each value is not paid per message): keys in the order of
    /// their UTF-8 bytes, a repeated key once with its last value, a whole `double` without
    /// a decimal (`100`), as `JSONEncoder` writes them.
    public func encoded() -> Data {
        var writer = JSONWriter()
        writeSorted(to: &writer)
        return Data(writer.bytes)
    }

    private func writeSorted(to writer: inout JSONWriter) {
        switch self {
        case .double(let value) where value.isFinite && value == value.rounded() && abs(value) < 1e15:
            writer.int(Int(value))
        case .array(let items):
            writer.beginArray()
            for item in items { item.writeSorted(to: &writer) }
            writer.endArray()
        case .object(let object):
            writer.beginObject()
            var members = object.members
            if members.count > 1 {
                // Stable, so of a repeated key the last member is the last of its run.
                members = members.enumerated().sorted {
                    $0.element.key.utf8.lexicographicallyPrecedes($1.element.key.utf8)
                        || ($0.element.key == $1.element.key && $0.offset < $1.offset)
                }.map(\.element)
            }
            for (index, member) in members.enumerated() where index + 1 == members.count || members[index + 1].key != member.key {
                writer.key(member.key)
                member.value.writeSorted(to: &writer)
            }
            writer.endObject()
        default:
            write(to: &writer)
        }
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
