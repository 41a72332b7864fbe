import Foundation

/// Where the daemon keeps its state: a SQLite file (the embedded default) or a PostgreSQL
/// database that several daemons share.
public enum StateLocation: Sendable, Hashable {
    /// The SQLite database file, absolute.
    case sqlite(path: String)
    case postgres(PostgresURL)
}

extension Configuration {
    /// `lease`, in seconds: how long a leader's heartbeat may go unrenewed before a standby
    /// takes over (PostgreSQL state only).
    public static let defaultLease = 15

    /// Reads `state`: a file path, or a `postgresql://` URL kept as written (less its password).
    static func readState(_ node: ConfigNode?) -> (text: String, location: StateLocation) {
        guard let node else { return (Defaults.state, .sqlite(path: Defaults.state)) }
        guard let raw = node.string("a file path or a postgresql:// URL", example: "/var/lib/slawatch/state.db") else {
            return (Defaults.state, .sqlite(path: Defaults.state))
        }
        if PostgresURL.isURL(raw) {
            do {
                let url = try PostgresURL(parsing: raw)
                if url.password != nil {
                    node.warn("the URL holds a password; put it in state_password_file instead, so it stays out of the configuration")
                }
                return (url.description, .postgres(url))
            } catch {
                node.report("\(error.message); write postgresql://USER@HOST:PORT/DATABASE (a host=/directory parameter for a Unix socket)")
                return (Defaults.state, .sqlite(path: Defaults.state))
            }
        }
        if let scheme = raw.range(of: "://").map({ raw[..<$0.lowerBound] }),
           !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) {
            // Taken as a path, it would make a SQLite file under a directory named `SCHEME:`.
            node.report("is a \(scheme):// URL; state is a SQLite file path or a postgresql:// URL")
            return (Defaults.state, .sqlite(path: Defaults.state))
        }
        let path = node.document.resolvingPath(raw)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            node.report("\(path) is a directory; name the state file in it, such as \((path as NSString).appendingPathComponent("state.db"))")
        }
        return (path, .sqlite(path: path))
    }

    /// The password for a PostgreSQL `state`, from `state_password_file`, then from the URL.
    public func statePassword(_ secrets: ResolvedSecrets) -> String? {
        if let file = statePasswordFile, let secret = secrets[file] { return secret.reveal() }
        if case .postgres(let url) = stateLocation { return url.password }
        return nil
    }
}
