public import Foundation
import PostgresNIO

/// Where a PostgreSQL state lives and how to reach it: what a `postgresql://` URL and
/// `state_password_file` say, in the terms the connection needs.
public struct PostgresEndpoint: Sendable, CustomStringConvertible {
    /// A host and port, or the path of the server's Unix socket (`DIR/.s.PGSQL.PORT`).
    public enum Place: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case socket(path: String)
    }

    /// libpq's `sslmode`, as far as this client goes: `allow` is treated as `prefer`.
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var place: Place
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// The CA file `verify-ca` and `verify-full` check the server against; nil: the system's.
    public var rootCertificate: String?
    /// The URL without its password, for messages.
    public var label: String

    public init(
        place: Place, user: String, password: String?, database: String, tls: TLSMode = .prefer, rootCertificate: String? = nil,
        label: String
    ) {
        self.place = place
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
        self.rootCertificate = rootCertificate
        self.label = label
    }

    public var description: String { label }

    /// The TLS settings for `tls`; nil when TLS is off (always over a Unix socket).
    func tlsConfiguration() -> TLSConfiguration? {
        guard tls != .disable, case .tcp = place else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .verifyFull: configuration.certificateVerification = .fullVerification
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        default: configuration.certificateVerification = .none
        }
        if let rootCertificate { configuration.trustRoots = .file(rootCertificate) }
        return configuration
    }

    /// The pool's configuration; `applicationName` names the daemon's sessions.
    func clientConfiguration(applicationName: String) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch place {
        case .tcp(let host, let port):
            let tls: PostgresClient.Configuration.TLS = switch (tlsConfiguration(), self.tls) {
            case (nil, _): .disable
            case (let settings?, .prefer): .prefer(settings)
            case (let settings?, _): .require(settings)
            }
            configuration = PostgresClient.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: tls)
        case .socket(let path):
            configuration = PostgresClient.Configuration(unixSocketPath: path, username: user, password: password, database: database)
        }
        configuration.options.additionalStartupParameters = PostgresEndpoint.startupParameters(applicationName)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = 4
        configuration.options.connectionIdleTimeout = .seconds(60)
        return configuration
    }

    /// One connection's configuration (the leadership's own, outside the pool).
    func connectionConfiguration(applicationName: String) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch place {
        case .tcp(let host, let port):
            let tls: PostgresConnection.Configuration.TLS
            if let settings = tlsConfiguration() {
                let context = try NIOSSLContext(configuration: settings)
                tls = self.tls == .prefer ? .prefer(context) : .require(context)
            } else {
                tls = .disable
            }
            configuration = PostgresConnection.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: tls)
        case .socket(let path):
            configuration = PostgresConnection.Configuration(unixSocketPath: path, username: user, password: password, database: database)
        }
        configuration.options.additionalStartupParameters = PostgresEndpoint.startupParameters(applicationName)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// Every session names the daemon it belongs to and finds its tables in the `slawatch` schema.
    private static func startupParameters(_ applicationName: String) -> [(String, String)] {
        [("application_name", applicationName), ("search_path", PostgresStateStore.schema)]
    }
}
