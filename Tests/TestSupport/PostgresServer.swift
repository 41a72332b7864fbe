public import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL server for tests, from Debian's `postgresql` package: `initdb` into a
/// temporary directory, started with `pg_ctl` on a Unix socket there and a free loopback
/// port, and stopped when the test process exits. Run as root (CI), the server runs as the
/// `postgres` user, in a directory that user may enter. The directory (the cluster's
/// hundreds of megabytes among it) is removed when the server stops at exit.
///
/// One server serves a whole test process (`shared`); each test makes its own database.
/// The superuser is `slawatch`, trusted on the socket and asked for `password` over TCP.
public final class PostgresServer: Sendable {
    public let directory: String
    /// The directory holding the socket `.s.PGSQL.PORT`.
    public var socketDirectory: String { directory }
    public let port: Int
    public let bin: String
    public static let user = "slawatch"
    public static let password = "test-password-0b7c"

    /// The server every test of this process shares, started on first use.
    public static func shared() throws -> PostgresServer {
        try started.withLock { server in
            if let server { return server }
            let fresh = try PostgresServer()
            server = fresh
            atexit {
                PostgresServer.started.withLock { server in
                    server?.stop()
                    if let server { try? FileManager.default.removeItem(atPath: server.directory) }
                }
            }
            return fresh
        }
    }

    private static let started = Mutex<PostgresServer?>(nil)

    private init() throws {
        guard let bin = PostgresServer.binaries() else {
            throw FixtureError("PostgreSQL is not installed: apt-get install postgresql (make test does)")
        }
        self.bin = bin
        // Under TMPDIR (`make test` gives the suite one of its own) unless that is long: the
        // socket's path must stay under 107 bytes.
        let base = FileManager.default.temporaryDirectory.path
        var template = Array(((base.utf8.count <= 48 ? base : "/tmp") + "/swpg-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw FixtureError("cannot make a temporary directory") }
        directory = String(cString: made)
        port = try PostgresServer.freePort()
        let asRoot = getuid() == 0
        if asRoot {
            guard let owner = getpwnam("postgres") else { throw FixtureError("running as root needs the postgres user") }
            chown(directory, owner.pointee.pw_uid, owner.pointee.pw_gid)
        }
        chmod(directory, 0o755)
        let passwordFile = directory + "/pwfile"
        try (PostgresServer.password + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        if asRoot, let owner = getpwnam("postgres") { chown(passwordFile, owner.pointee.pw_uid, owner.pointee.pw_gid) }
        try run("initdb", ["-D", directory + "/data", "-U", PostgresServer.user, "--pwfile", passwordFile,
                           "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"])
        try start()
    }

    /// Starts the server (again, after `stop`).
    public func start() throws {
        try run("pg_ctl", ["-D", directory + "/data", "-l", directory + "/log", "-w", "-t", "30", "-o",
                           "-k \(directory) -p \(port) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                           + "-c full_page_writes=off -c max_connections=200", "start"])
    }

    /// Stops the server at once (its sessions end).
    public func stop() {
        _ = try? run("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"])
    }

    /// Restarts the server: every session ends, then it accepts connections again.
    public func restart() throws {
        try run("pg_ctl", ["-D", directory + "/data", "-l", directory + "/log", "-m", "fast", "-w", "-t", "30", "-o",
                           "-k \(directory) -p \(port) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                           + "-c full_page_writes=off -c max_connections=200", "restart"])
    }

    /// A new, empty database; returns its name.
    public func createDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try sql("CREATE DATABASE \(name)", database: "postgres")
        return name
    }

    /// Runs SQL with psql over the socket; returns what it printed (unaligned, tuples only).
    @discardableResult
    public func sql(_ text: String, database: String) throws -> String {
        try command(bin + "/psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", "\(port)",
                                    "-U", PostgresServer.user, "-d", database, "-c", text], asServer: false)
    }

    /// `postgresql://` URL of a database over the socket.
    public func socketURL(_ database: String) -> String {
        "postgresql://\(PostgresServer.user)@/\(database)?host=\(directory)&port=\(port)"
    }

    /// `postgresql://` URL of a database over TCP (it needs the password).
    public func tcpURL(_ database: String) -> String {
        "postgresql://\(PostgresServer.user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    @discardableResult
    private func run(_ tool: String, _ arguments: [String]) throws -> String {
        try command(bin + "/" + tool, arguments, asServer: true)
    }

    /// Runs a program to its end with posix_spawn and waitpid (pg_ctl leaves a server
    /// running behind it), its output in a file; throws with that output when it fails.
    private func command(_ path: String, _ arguments: [String], asServer: Bool) throws -> String {
        // In the server's directory, which the postgres user may enter (a root test's own may not be).
        let program = asServer && getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", path] : [path]
        let argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + program + arguments
        let outputPath = directory + "/command-\(UUID().uuidString).out"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o666)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else { throw FixtureError("cannot start \(argv[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let printed = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exited == 0 else {
            throw FixtureError("\((path as NSString).lastPathComponent) failed (\(exited)): \(printed)")
        }
        return printed.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Debian's newest server binaries.
    private static func binaries() -> String? {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return versions.compactMap(Int.init).sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: $0 + "/pg_ctl") }
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw FixtureError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
