public import Foundation

/// A `state: postgresql://…` URL, read by libpq's rules: `postgresql://[USER[:PASSWORD]@][HOST][:PORT][/DB][?PARAM=VALUE&…]`.
///
/// A `host` query parameter overrides the authority's host, and a host that starts with
/// `/` is a directory holding the server's Unix socket (`DIR/.s.PGSQL.PORT`); so is an
/// empty host (Debian's `/var/run/postgresql`). `sslmode` is `disable`, `allow`, `prefer`
/// (the default), `require`, `verify-ca` or `verify-full`; `sslrootcert` names the CA file
/// the last two verify against. A password written in the URL works, but belongs in
/// `state_password_file`; it never appears in `description`.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    /// libpq's `sslmode`.
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var user: String
    /// The password written in the URL, if any.
    public var password: String?
    /// A host name or address; nil when `socketDirectory` is used.
    public var host: String?
    public var port: Int
    /// The directory of the server's Unix socket.
    public var socketDirectory: String?
    public var database: String
    public var sslMode: SSLMode
    /// `sslrootcert`: the CA file a `verify-ca` or `verify-full` connection checks against.
    public var sslRootCert: String?
    /// `application_name`, shown in `pg_stat_activity`; the daemon adds its instance to it.
    public var applicationName: String?

    /// The query parameters read; any other is an error, as in libpq.
    public static let parameters = ["host", "port", "user", "password", "dbname", "sslmode", "sslrootcert", "application_name"]
    /// Where Debian's server puts its socket, for a URL without a host.
    public static let defaultSocketDirectory = "/var/run/postgresql"

    /// True for text that is meant as a PostgreSQL URL (its scheme), valid or not.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Reads `text`; the error says what is wrong and how to write it.
    public init(parsing text: String, defaultUser: String = NSUserName()) throws(Problem) {
        guard let schemeEnd = text.range(of: "://"), PostgresURL.isURL(text) else {
            throw Problem("is not a postgresql:// URL")
        }
        var rest = String(text[schemeEnd.upperBound...])
        var query: [(String, String)] = []
        if let mark = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, let key = parts[0].removingPercentEncoding, let value = parts[1].removingPercentEncoding else {
                    throw Problem("query parameter \"\(pair)\" is not NAME=VALUE")
                }
                guard PostgresURL.parameters.contains(key) else {
                    throw Problem("unknown query parameter \"\(key)\"; known: \(PostgresURL.parameters.joined(separator: ", "))")
                }
                query.append((key, value))
            }
            rest = String(rest[..<mark])
        }
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[rest.index(after: slash)...])
            rest = String(rest[..<slash])
        }
        var user: String?, password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = String(rest[rest.index(after: at)...])
            if let colon = credentials.firstIndex(of: ":") {
                user = try PostgresURL.decoded(credentials[..<colon], "user")
                password = try PostgresURL.decoded(credentials[credentials.index(after: colon)...], "password")
            } else {
                user = try PostgresURL.decoded(credentials, "user")
            }
        }
        var host: String?, port = 5432
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw Problem("an IPv6 address needs a closing ]") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = String(rest[rest.index(after: close)...])
            if rest.hasPrefix(":") { port = try PostgresURL.port(Substring(rest.dropFirst())) } else if !rest.isEmpty {
                throw Problem("\"\(rest)\" after the IPv6 address is not :PORT")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = try PostgresURL.decoded(rest[..<colon], "host")
            port = try PostgresURL.port(rest[rest.index(after: colon)...])
        } else if !rest.isEmpty {
            host = try PostgresURL.decoded(Substring(rest), "host")
        }
        var database = try PostgresURL.decoded(Substring(path), "database name")
        var sslMode = SSLMode.prefer
        for (key, value) in query {
            switch key {
            case "host": host = value
            case "port": port = try PostgresURL.port(Substring(value))
            case "user": user = value
            case "password": password = value
            case "dbname": database = value
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    throw Problem("sslmode \"\(value)\" is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslMode = mode
            case "sslrootcert": sslRootCert = value
            default: applicationName = value
            }
        }
        self.user = user.flatMap { $0.isEmpty ? nil : $0 } ?? defaultUser
        self.password = password
        self.port = port
        self.database = database.isEmpty ? self.user : database
        self.sslMode = sslMode
        if let written = host, !written.isEmpty, !written.hasPrefix("/") {
            self.host = written
        } else {
            socketDirectory = host.flatMap { $0.isEmpty ? nil : $0 } ?? PostgresURL.defaultSocketDirectory
        }
    }

    /// `DIR/.s.PGSQL.PORT` for a socket connection.
    public var socketPath: String? {
        socketDirectory.map { ($0.hasSuffix("/") ? String($0.dropLast()) : $0) + "/.s.PGSQL.\(port)" }
    }

    /// The URL without its password, for logs and messages.
    public var description: String {
        let place = host.map { $0.contains(":") ? "[\($0)]:\(port)" : "\($0):\(port)" } ?? ":\(port)"
        var text = "postgresql://\(user)@\(place)/\(database)"
        if let socketDirectory { text += "?host=\(socketDirectory)" }
        return text
    }

    /// Why a URL cannot be read.
    public struct Problem: Error, Sendable {
        public var message: String
        init(_ message: String) { self.message = message }
    }

    private static func decoded(_ text: Substring, _ what: String) throws(Problem) -> String {
        guard let value = String(text).removingPercentEncoding else { throw Problem("the \(what) has a bad %-escape") }
        return value
    }

    private static func port(_ text: Substring) throws(Problem) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw Problem("port \"\(text)\" is not a number from 1 to 65535")
        }
        return port
    }
}
