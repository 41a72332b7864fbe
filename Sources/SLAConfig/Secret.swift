/// A resolved secret: a webhook URL, a password, a token.
///
/// Its description, debug description and mirror never show the value, so a secret that
/// ends up in a log line, an error or a `dump` reads `<secret>`. Only `reveal()` gives the
/// value, for the one place that sends it.
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
