public import Foundation
public import Transport

/// An SMTP relay that `email` channels send through: where, how secured, who logs in, and
/// who the mail is from.
///
/// `smtp://` takes `starttls` (the default; the relay must offer STARTTLS or nothing is
/// sent) or `none` (plain text, for a relay on a trusted network); `smtps://` is implicit
/// TLS from the first byte, and `smtp://` with `implicit` is turned into `smtps://` on the
/// same port. The password never shows in a description.
public struct SMTPRelay: Sendable, CustomStringConvertible, CustomReflectable {
    /// How the connection is secured (`tls` in the configuration).
    public typealias Security = MailSecurity

    /// The URL handed to libcurl: `smtp://HOST[:PORT]` or `smtps://HOST[:PORT]`.
    public let url: String
    public let security: Security
    /// The AUTH login, or nil to send without AUTH.
    public let username: String?
    public let password: Secret?
    /// The sender: the `From` header and the envelope `MAIL FROM`.
    public let from: MailAddress
    /// A PEM file of the private CA that signed the relay's certificate; nil for the system's.
    public let caFile: String?

    /// Checks the settings; `security` nil takes the scheme's default.
    public init(
        url: String, security: Security? = nil, username: String? = nil, password: Secret? = nil,
        from: String, caFile: String? = nil
    ) throws {
        guard var components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "smtp" || scheme == "smtps", let host = components.host, !host.isEmpty
        else {
            throw ChannelSettingsError(
                code: .invalidURL, message: "the relay url must be smtp://HOST[:PORT] or smtps://HOST[:PORT]")
        }
        guard components.user == nil, components.password == nil else {
            throw ChannelSettingsError(
                code: .invalidURL,
                message: "the relay url for \(host) must not hold a login; give username and password_file instead")
        }
        let chosen = security ?? (scheme == "smtps" ? .implicit : .starttls)
        if scheme == "smtps", chosen != .implicit {
            throw ChannelSettingsError(
                code: .conflict,
                message: "smtps:// is TLS from the first byte, so tls must be implicit for \(host); "
                    + "for STARTTLS write smtp://\(host):587")
        }
        if chosen == .implicit { components.scheme = "smtps" }
        guard let address = MailAddress(parsing: from) else {
            throw ChannelSettingsError(
                code: .invalidAddress,
                message: "the relay's from is not an address; write support@example.com or "
                    + "\"Example Support <support@example.com>\"")
        }
        if (username == nil) != (password == nil) {
            throw ChannelSettingsError(
                code: .conflict, message: "the relay \(host) needs both username and password_file, or neither")
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            // Otherwise every mail through the relay would fail its TLS handshake.
            throw ChannelSettingsError(
                code: .unreadableFile,
                message: "the relay's ca_file \(caFile) does not exist or cannot be read; point it at the PEM file of the relay's CA")
        }
        self.url = components.string ?? url
        self.security = chosen
        self.username = username
        self.password = password
        self.from = address
        self.caFile = caFile
    }

    /// The relay's host, for messages.
    public var host: String { URLText.host(of: url) }

    /// One transaction to one recipient.
    public func request(recipient: MailAddress, message: Data, timeout: TimeInterval? = nil) -> MailRequest {
        MailRequest(
            url: url, security: security, username: username, password: password, caFile: caFile,
            sender: from.address, recipient: recipient.address, message: message, timeout: timeout)
    }

    public var description: String {
        "SMTPRelay(\(url), tls: \(security.rawValue), from: \(from.address)\(username == nil ? "" : ", auth"))"
    }

    public var customMirror: Mirror {
        Mirror(
            self, children: ["url": url, "security": security, "from": from.address, "auth": username != nil],
            displayStyle: .struct)
    }
}
