public import SLAConfig
public import StateStore

extension PostgresURL {
    /// The store's endpoint for this URL; `password` from `state_password_file` or the URL.
    public func endpoint(password: String?) -> PostgresEndpoint {
        PostgresEndpoint(
            place: socketPath.map { .socket(path: $0) } ?? .tcp(host: host ?? "localhost", port: port), user: user, password: password,
            database: database, tls: PostgresEndpoint.TLSMode(rawValue: sslMode == .allow ? "prefer" : sslMode.rawValue) ?? .prefer,
            rootCertificate: sslRootCert, label: description)
    }
}
