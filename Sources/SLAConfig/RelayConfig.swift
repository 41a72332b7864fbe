/// An SMTP relay that `email` channels send through (`relays.NAME`).
public struct RelayConfig: Sendable {
    /// How the connection is secured (`tls`).
    public enum TLS: String, Sendable, Hashable, CaseIterable {
        /// Plain connection upgraded with STARTTLS; the default for `smtp://`.
        case starttls
        /// TLS from the first byte; the default, and the only choice, for `smtps://`.
        case implicit
        /// No encryption; only for a relay on a trusted network.
        case none
    }

    /// The key the relay is defined under; channels name it.
    public var name: String
    /// `url`: `smtp://HOST[:PORT]` or `smtps://HOST[:PORT]`, with any `${NAME}` already
    /// replaced from the environment when the configuration was loaded.
    public var url: String
    /// `tls`; by default `starttls` for `smtp://` and `implicit` for `smtps://`.
    public var tls: TLS
    /// `username` for SMTP AUTH; nil (with `password` nil) for a relay without login.
    public var username: String?
    /// `password_file`: the file holding the SMTP password; given together with `username`.
    public var password: SecretReference?
    /// `from`: the sender, `support@example.com` or `Example Support <support@example.com>`.
    public var from: String
    /// `ca_file`: a PEM file of the private CA that signed the relay's certificate (absolute;
    /// `$CREDENTIALS_DIRECTORY` allowed); nil to trust the system's CAs.
    public var caFile: String?
    /// Where the relay is written, for problems found when it is wired; nil when it was not
    /// read from a file.
    public var location: ConfigLocation?

    public init(
        name: String, url: String, tls: TLS, username: String? = nil, password: SecretReference? = nil,
        from: String, caFile: String? = nil
    ) {
        self.name = name
        self.url = url
        self.tls = tls
        self.username = username
        self.password = password
        self.from = from
        self.caFile = caFile
    }
}
