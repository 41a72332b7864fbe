/// How an SMTP connection is secured (`tls` in a relay's configuration).
public enum MailSecurity: String, Sendable, Hashable, CaseIterable {
    /// A plain connection upgraded with STARTTLS, which is required (`CURLUSESSL_ALL`).
    case starttls
    /// TLS from the first byte (`smtps://`).
    case implicit
    /// No encryption at all.
    case none
}
