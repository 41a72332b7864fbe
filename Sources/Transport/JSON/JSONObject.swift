public import Foundation

/// A JSON object's members, in the order they were written or added.
///
/// Order matters for output people read against a documented shape (`evaluate`, `log`
/// lines). Written by hand, not swift-collections' `OrderedDictionary`, because Transport
/// depends on nothing but libcurl (DESIGN.md); objects are small, and a lookup is a scan
/// from the end, so a key written twice reads as its last value, as JSON parsers agree.
/// Two objects are equal when they have the same members in the same order.
public struct JSONObject: Sendable, Hashable, Sequence, Encodable, ExpressibleByDictionaryLiteral,
    ExpressibleByArrayLiteral
{
    /// One `"key": value` pair.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue

        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members, in order; a key may repeat only in a parsed document.
    public private(set) var members: [Member]

    /// An empty object.
    public init() {
        members = []
    }

    /// An object with these members in this order; a repeated key keeps its last value.
    public init(_ pairs: some Sequence<(String, JSONValue)>) {
        members = []
        for (key, value) in pairs { self[key] = value }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }

    /// `[("at", …), ("clocks", …)]`: the members in the order written.
    public init(arrayLiteral elements: (String, JSONValue)...) { self.init(elements) }

    /// The value of `key` (its last member, if repeated); setting replaces that member in
    /// place or appends one, and setting nil removes every member named `key`.
    public subscript(key: String) -> JSONValue? {
        get { members.last { $0.key == key }?.value }
        set {
            guard let newValue else { return members.removeAll { $0.key == key } }
            if let index = members.lastIndex(where: { $0.key == key }) {
                members[index].value = newValue
            } else {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Adds a member at the end without looking for the key: for a parser, which keeps a
    /// document's members as they come.
    public mutating func append(_ key: String, _ value: JSONValue) {
        members.append(Member(key: key, value: value))
    }

    public var count: Int { members.count }

    public var isEmpty: Bool { members.isEmpty }

    public func makeIterator() -> IndexingIterator<[Member]> {
        members.makeIterator()
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: MemberKey.self)
        for member in members {
            try container.encode(member.value, forKey: MemberKey(member.key))
        }
    }

    private struct MemberKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ key: String) { stringValue = key }
        init?(stringValue: String) { self.init(stringValue) }
        init?(intValue: Int) { nil }
    }
}
