import Transport
/// What a receiver said to one attempt: the status and a short excerpt of its body, for
/// `test-notify` and the delivery log.
///
/// The excerpt is at most 300 characters, control characters replaced by spaces, with
/// every secret the notifier knows (URL, token, header values, password) blanked to
/// `<secret>`: receivers like to echo the URL in their errors.
public struct ReceiverAnswer: Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status, or the SMTP reply code.
    public var status: Int
    public var excerpt: String

    public init(status: Int, excerpt: String) {
        self.status = status
        self.excerpt = excerpt
    }

    public var description: String { excerpt.isEmpty ? "\(status)" : "\(status) \(excerpt)" }

    /// The first 300 characters of `body`, redacted and on one line. `redaction` is asked
    /// for only when the text is long enough to hold a secret (four characters).
    static func excerpt(of body: some Collection<UInt8>, redaction: () -> Redaction) -> String {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        let flat = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? " " : $0 }))
        let trimmed = flat.trimmingCharactersOfWhitespace()
        let redacted = trimmed.unicodeScalars.count < 4 ? trimmed : redaction().apply(trimmed)
        return redacted.count > 300 ? String(redacted.prefix(300)) + "…" : redacted
    }
}
