public import Foundation

/// One SMTP transaction: one envelope sender, one recipient, one RFC 5322 message.
///
/// One recipient per transaction is deliberate: a relay that rejects one address then fails
/// only that transaction, so the caller knows which address failed and the others still get
/// theirs. Build it with `SMTPRelay.request(recipient:message:timeout:)`.
public struct MailRequest: Sendable, CustomStringConvertible, CustomReflectable {
    /// `smtp://HOST[:PORT]` or `smtps://HOST[:PORT]` (implicit TLS).
    public var url: String
    public var security: MailSecurity
    /// The AUTH login; nil sends without AUTH.
    public var username: String?
    public var password: Secret?
    /// A PEM file of the CA that signed the relay's certificate; nil for the system's CAs.
    public var caFile: String?
    /// The envelope sender (`MAIL FROM`): a bare address.
    public var sender: String
    /// The envelope recipient (`RCPT TO`): a bare address.
    public var recipient: String
    /// The message, CRLF line endings, as `MailMessage.rendered()` gives it.
    public var message: Data
    /// Seconds the whole transaction may take; nil for the transport's default.
    public var timeout: TimeInterval?

    public init(
        url: String, security: MailSecurity, username: String? = nil, password: Secret? = nil,
        caFile: String? = nil, sender: String, recipient: String, message: Data, timeout: TimeInterval? = nil
    ) {
        self.url = url
        self.security = security
        self.username = username
        self.password = password
        self.caFile = caFile
        self.sender = sender
        self.recipient = recipient
        self.message = message
        self.timeout = timeout
    }

    /// The relay's host, for errors.
    public var host: String { URLText.host(of: url) }

    public var description: String { "SMTP \(host) to \(recipient) (\(message.count) bytes)" }

    public var customMirror: Mirror {
        Mirror(self, children: ["host": host, "recipient": recipient, "security": security], displayStyle: .struct)
    }
}
