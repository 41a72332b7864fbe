/// A channel or relay setting the delivery layer cannot work with, found when the notifier
/// is built (at start or reload), not when the first message fails.
///
/// The message never quotes a URL, secret or password; it names the setting and how to fix it.
public struct ChannelSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A closed set of problems.
    public enum Code: String, Sendable, Hashable {
        /// A webhook or relay URL with the wrong scheme or no host.
        case invalidURL = "invalid_url"
        /// A mail address that is not `local@domain` or `Name <local@domain>`.
        case invalidAddress = "invalid_address"
        /// A signing secret that is not `whsec_` followed by base64.
        case invalidSecret = "invalid_secret"
        /// A configured header that is not a token, holds a line break, or is one slawatch sets.
        case invalidHeader = "invalid_header"
        /// Settings that contradict each other (`smtps://` with `tls: starttls`).
        case conflict
        /// A file a setting names that cannot be read (a relay's `ca_file`).
        case unreadableFile = "unreadable_file"
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
