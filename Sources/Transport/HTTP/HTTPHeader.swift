/// One HTTP header field of a request or a response.
///
/// A sensitive header (a configured `headers` value, which may hold a token) shows as
/// `<secret>` in descriptions, and the notifier blanks its value out of any response text
/// it reports.
public struct HTTPHeader: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The field name as sent; compared case-insensitively by `HTTPResponse.header(_:)`.
    public var name: String
    /// The field value: no CR, LF or NUL, which the transport refuses.
    public var value: String
    /// True when the value is a secret.
    public var isSensitive: Bool

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
        self.isSensitive = false
    }

    public init(_ name: String, secret: Secret) {
        self.name = name
        self.value = secret.reveal()
        self.isSensitive = true
    }

    public var description: String { "\(name): \(isSensitive ? "<secret>" : value)" }

    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "value": isSensitive ? "<secret>" : value], displayStyle: .struct)
    }

    /// True when `name` is an RFC 9110 token, as a field name must be.
    package static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
        }
    }
}
