/// A secret slawatch sends but never shows: a webhook URL (its path carries the token), an
/// SMTP password, a signing secret, a source's API token, a header value holding a token.
///
/// Its description, debug description and mirror read `<secret>`, so a secret that ends up
/// in a log line, an error or a `dump` gives nothing away. Only `reveal()` gives the value,
/// for the one place that hands it to libcurl or the signer. The configuration resolves
/// its `*_file` and `${ENV}` references into these.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// The secret's value. Pass it straight to the transport; never log it.
    public func reveal() -> String {
        value
    }

    public var description: String { "<secret>" }

    public var debugDescription: String { "<secret>" }

    public var customMirror: Mirror { Mirror(self, children: [:], displayStyle: .struct) }
}
