import Transport
/// An RFC 6901 JSON Pointer: `/fields/created`, `/data/0/id`, with `~1` for `/` and `~0`
/// for `~` inside a key. The empty pointer is the whole document.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The reference tokens, unescaped.
    public let tokens: [String]
    /// The pointer as written.
    public let description: String

    /// Parses `text`; nil when it is neither empty nor starts with `/`, or holds a `~` not
    /// followed by `0` or `1`.
    public init?(_ text: String) {
        description = text
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else { return nil }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var escaping = false
            for character in raw {
                if escaping {
                    switch character {
                    case "0": token.append("~")
                    case "1": token.append("/")
                    default: return nil
                    }
                    escaping = false
                } else if character == "~" {
                    escaping = true
                } else {
                    token.append(character)
                }
            }
            if escaping { return nil }
            tokens.append(token)
        }
        self.tokens = tokens
    }

    /// The pointer for a dotted canonical field name: `customer.id` → `/customer/id`.
    init(field: String) {
        tokens = field.split(separator: ".").map(String.init)
        description = "/" + tokens.joined(separator: "/")
    }

    /// The node `self` points at in `document`, or nil when any step is missing.
    func resolve(in document: JSONValue) -> JSONValue? {
        var node = document
        for token in tokens {
            switch node {
            case .object(let members):
                guard let next = members[token] else { return nil }
                node = next
            case .array(let items):
                guard let index = JSONPointer.index(token), index < items.count else { return nil }
                node = items[index]
            default:
                return nil
            }
        }
        return node
    }

    /// An array index token: decimal digits, no leading zero (`-` points past the end).
    private static func index(_ token: String) -> Int? {
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), token == "0" || !token.hasPrefix("0")
        else { return nil }
        return Int(token)
    }
}
