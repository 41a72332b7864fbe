import SLAConfig
import Testing

/// `state:` as a SQLite file or a PostgreSQL URL, `state_password_file` and `lease`.
@Suite struct StateLocationTests {
    static let policies = """
        policies:
          - name: standard
            targets: { any: { first_response: 1h } }
        """

    static func parse(_ top: String) throws -> Configuration {
        try Configuration.parse(yaml: top + "\n" + policies, file: "test.yaml", baseDirectory: "/etc/slawatch")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let url: String
        let user: String, host: String?, port: Int, socket: String?, database: String, ssl: PostgresURL.SSLMode
        var testDescription: String { url }
    }

    static let urls: [Case] = [
        Case(url: "postgresql://slawatch@db.example.com:5433/sla", user: "slawatch", host: "db.example.com", port: 5433, socket: nil,
             database: "sla", ssl: .prefer),
        Case(url: "postgres://slawatch@db/sla?sslmode=verify-full", user: "slawatch", host: "db", port: 5432, socket: nil,
             database: "sla", ssl: .verifyFull),
        // libpq: a host parameter overrides the authority; a directory means the Unix socket there.
        Case(url: "postgresql://slawatch@ignored/sla?host=/run/postgresql&port=5444", user: "slawatch", host: nil, port: 5444,
             socket: "/run/postgresql/.s.PGSQL.5444", database: "sla", ssl: .prefer),
        Case(url: "postgresql://slawatch@%2Fvar%2Frun%2Fpostgresql/sla", user: "slawatch", host: nil, port: 5432,
             socket: "/var/run/postgresql/.s.PGSQL.5432", database: "sla", ssl: .prefer),
        // No host: Debian's socket directory; no database: the user's name.
        Case(url: "postgresql://ops@", user: "ops", host: nil, port: 5432, socket: "/var/run/postgresql/.s.PGSQL.5432",
             database: "ops", ssl: .prefer),
        Case(url: "postgresql://ops@[::1]:6000/d?dbname=other", user: "ops", host: "::1", port: 6000, socket: nil,
             database: "other", ssl: .prefer),
    ]

    @Test(arguments: urls) func aURLIsReadByLibpqsRules(_ expected: Case) throws {
        let configuration = try StateLocationTests.parse("state: \"\(expected.url)\"")
        guard case .postgres(let url) = configuration.stateLocation else {
            Issue.record("not read as PostgreSQL: \(configuration.stateLocation)")
            return
        }
        #expect(url.user == expected.user)
        #expect(url.host == expected.host)
        #expect(url.port == expected.port)
        #expect(url.socketPath == expected.socket)
        #expect(url.database == expected.database)
        #expect(url.sslMode == expected.ssl)
        #expect(configuration.lease == 15)
    }

    @Test func aFilePathStaysSQLiteAndRelativeToTheFile() throws {
        let configuration = try StateLocationTests.parse("state: data/state.db")
        #expect(configuration.stateLocation == .sqlite(path: "/etc/slawatch/data/state.db"))
    }

    /// Taken as a path, `mysql://x/y` made a SQLite file at `./mysql:/x/y`; a directory
    /// passed `check`, and `run` then said only "unable to open database file".
    @Test(arguments: [
        ("state: mysql://db/sla", "state: is a mysql:// URL; state is a SQLite file path or a postgresql:// URL"),
        ("state: postgresq://db/sla", "state: is a postgresq:// URL; state is a SQLite file path or a postgresql:// URL"),
        ("state: /tmp", "state: /tmp is a directory; name the state file in it, such as /tmp/state.db"),
    ])
    func aStateRunCannotUseIsRefusedAtItsKey(_ yaml: String, _ problem: String) throws {
        let error = #expect(throws: ConfigurationError.self) { try StateLocationTests.parse(yaml) }
        #expect(error?.description == "test.yaml:1:8: \(problem)", "\(String(describing: error))")
    }

    @Test func aPasswordInTheURLNeverReachesTheStateText() throws {
        let configuration = try StateLocationTests.parse("state: postgresql://slawatch:s3cret-pw@db/sla\nlease: 6s")
        #expect(configuration.state == "postgresql://slawatch@db:5432/sla")
        #expect(!configuration.state.contains("s3cret"))
        #expect(configuration.warnings.map(\.message).contains { $0.contains("state_password_file") })
        #expect(configuration.lease == 6)
    }

    static let rejections: [Rejection] = [
        Rejection("unknown sslmode", "state: postgresql://u@db/sla?sslmode=maybe\n" + policies, at: 1, 8, "state",
                  says: "sslmode \"maybe\"", "verify-full"),
        Rejection("unknown URL parameter", "state: postgresql://u@db/sla?connect_timeout=3\n" + policies, at: 1, 8, "state",
                  says: "unknown query parameter \"connect_timeout\""),
        Rejection("bad port", "state: postgresql://u@db:99999/sla\n" + policies, at: 1, 8, "state", says: "port \"99999\""),
        Rejection("password file beside a SQLite file", "state: /var/lib/slawatch/state.db\nstate_password_file: /etc/pw\n" + policies,
                  at: 2, 22, "state_password_file", says: "only for a PostgreSQL state"),
        Rejection("lease too short", "state: postgresql://u@db/sla\nlease: 2s\n" + policies, at: 2, 8, "lease", says: "at least 3s"),
    ]

    @Test(arguments: rejections) func rejected(_ rejection: Rejection) {
        rejection.check()
    }
}
