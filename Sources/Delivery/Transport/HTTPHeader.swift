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

    public init(_ name: String, secret: Credential) {
        self.name = name
        self.value = secret.reveal()
        self.isSensitive = true
    }

    public var description: String { "\(name): \(isSensitive ? "<secret>" : value)" }

    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "value": isSensitive ? "<secret>" : value], displayStyle: .struct)
    }
}
