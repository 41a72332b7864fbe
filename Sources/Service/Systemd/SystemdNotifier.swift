public import Foundation
import Glibc

/// Tells systemd how the service is doing, over the `sd_notify` protocol, without libsystemd.
///
/// `NOTIFY_SOCKET` is read once, at `init`: a filesystem path (`/run/systemd/notify`) or
/// `@name` for a socket in the abstract namespace. Each message is one datagram of
/// newline-separated `KEY=VALUE` assignments, sent on a fresh `AF_UNIX`/`SOCK_DGRAM`
/// socket, as `sd_notify(3)` does. With the variable unset (a shell, a test, a
/// `Type=simple` unit) every call is a no-op that succeeds, so callers need no `if`.
///
/// The lifecycle a `Type=notify` unit expects: `ready()` once the first tick is done;
/// `status(_:)` whenever the one-line summary changes; `reloading()` when SIGHUP
/// arrives, then `ready()` again when the new configuration is in place (or has been
/// refused); `stopping()` when shutdown begins. `watchdog()` pings are for
/// `WatchdogService`, which sends them only while the poll loop makes progress.
///
/// Every method throws `SystemdNotifyError` when the datagram cannot be sent; systemd
/// itself treats a lost notification as non-fatal, so callers usually log and go on.
public struct SystemdNotifier: Sendable {
    /// Where `NOTIFY_SOCKET` points.
    public enum Address: Sendable, Hashable, CustomStringConvertible {
        /// A socket file, by absolute path.
        case path(String)
        /// A socket in the abstract namespace (`@name` in the variable), by name without the `@`.
        case abstract(String)

        /// Parses the variable's value; nil for anything else (a relative path, `vsock:`).
        public init?(notifySocket value: String) {
            if value.hasPrefix("@"), value.count > 1 {
                self = .abstract(String(value.dropFirst()))
            } else if value.hasPrefix("/") {
                self = .path(value)
            } else {
                return nil
            }
        }

        /// The variable's spelling: the path, or `@name`.
        public var description: String {
            switch self {
            case .path(let path): path
            case .abstract(let name): "@" + name
            }
        }
    }

    /// `NOTIFY_SOCKET` as given; nil when unset or empty.
    public let notifySocket: String?
    /// The parsed socket address; nil when unset or not a form this type can reach.
    public let address: Address?
    /// `WATCHDOG_USEC`: the time systemd allows between two `WATCHDOG=1` pings before it
    /// restarts the service (the unit's `WatchdogSec=`). Nil when the watchdog is off, when
    /// the value is not a positive number of microseconds, or when `WATCHDOG_PID` is set
    /// and names another process (the variable was inherited, not meant for us).
    public let watchdogInterval: Duration?

    /// True when `NOTIFY_SOCKET` is set: messages are meant to be sent.
    public var isEnabled: Bool { notifySocket != nil }

    /// How often to ping: half of `watchdogInterval`, as `sd_watchdog_enabled(3)` advises.
    public var watchdogPingInterval: Duration? { watchdogInterval.map { $0 / 2 } }

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
    ///
    /// - Parameters:
    ///   - environment: the process environment; tests pass their own.
    ///   - processID: this process's id, compared with `WATCHDOG_PID`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, processID: Int32 = getpid()) {
        let socket = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        notifySocket = socket
        address = socket.flatMap(Address.init(notifySocket:))
        watchdogInterval = Self.watchdogInterval(environment: environment, processID: processID)
    }

    /// `READY=1`: start-up is finished (or a reload is), with an optional `STATUS=` line.
    public func ready(status: String? = nil) throws {
        try send(["READY=1"] + Self.statusLine(status))
    }

    /// `STATUS=`: the one-line summary `systemctl status` shows. Newlines become spaces.
    public func status(_ text: String) throws {
        try send(Self.statusLine(text))
    }

    /// `RELOADING=1` with `MONOTONIC_USEC=`: a configuration reload has begun. Send `ready()`
    /// when it has finished, whether the new configuration was taken or refused.
    ///
    /// - Parameter monotonicMicroseconds: `CLOCK_MONOTONIC` now, in microseconds; systemd
    ///   uses it to tell this reload from an earlier one. Tests pass a fixed value.
    public func reloading(status: String? = nil, monotonicMicroseconds: UInt64 = SystemdNotifier.monotonicMicroseconds()) throws {
        try send(["RELOADING=1", "MONOTONIC_USEC=\(monotonicMicroseconds)"] + Self.statusLine(status))
    }

    /// `STOPPING=1`: shutdown has begun; systemd waits up to `TimeoutStopSec=`.
    public func stopping(status: String? = nil) throws {
        try send(["STOPPING=1"] + Self.statusLine(status))
    }

    /// `WATCHDOG=1`: the service is alive. Sent even when `watchdogInterval` is nil (systemd
    /// ignores it then); `WatchdogService` decides when.
    public func watchdog() throws {
        try send(["WATCHDOG=1"])
    }

    /// Sends assignments (`KEY=VALUE`, no newline inside any) as one datagram, joined by
    /// newlines. A no-op when `NOTIFY_SOCKET` is unset.
    public func send(_ assignments: [String]) throws {
        guard let notifySocket, !assignments.isEmpty else { return }
        guard let address else {
            throw SystemdNotifyError(
                code: .unsupportedAddress,
                message: "NOTIFY_SOCKET=\(notifySocket) is neither an absolute path nor @name; slawatch can only notify over AF_UNIX"
            )
        }
        try Self.sendDatagram(Array(assignments.joined(separator: "\n").utf8), to: address)
    }

    /// `CLOCK_MONOTONIC` now, in microseconds: the clock systemd's `MONOTONIC_USEC=` means.
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    // MARK: - Private

    private static func statusLine(_ text: String?) -> [String] {
        guard let text else { return [] }
        let line = String(text.map { $0.isNewline ? " " : $0 })
        return ["STATUS=" + line]
    }

    private static func watchdogInterval(environment: [String: String], processID: Int32) -> Duration? {
        if let pid = environment["WATCHDOG_PID"], !pid.isEmpty {
            guard let owner = Int32(pid), owner == processID else { return nil }
        }
        guard let text = environment["WATCHDOG_USEC"], let micros = UInt64(text), micros > 0, micros <= UInt64(Int64.max) else {
            return nil
        }
        return .microseconds(Int64(micros))
    }

    private static func sendDatagram(_ payload: [UInt8], to address: Address) throws {
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        let pathBytes: [UInt8]
        let length: Int
        let capacity = MemoryLayout.size(ofValue: socketAddress.sun_path)
        switch address {
        case .path(let path):
            pathBytes = Array(path.utf8)
            length = pathBytes.count + 1  // the terminating NUL is part of the address
        case .abstract(let name):
            pathBytes = [0] + Array(name.utf8)  // a leading NUL marks the abstract namespace
            length = pathBytes.count
        }
        guard length <= capacity else {
            throw SystemdNotifyError(
                code: .unsupportedAddress,
                message: "NOTIFY_SOCKET=\(address) is longer than a socket address can be (\(capacity - 1) bytes)"
            )
        }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: pathBytes) }
        let addressLength = socklen_t(MemoryLayout<sa_family_t>.size + length)

        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw SystemdNotifyError(code: .socket, message: "cannot open an AF_UNIX datagram socket", errno: errno)
        }
        defer { close(descriptor) }
        let sent = payload.withUnsafeBytes { bytes in
            withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), $0, addressLength)
                }
            }
        }
        guard sent == payload.count else {
            throw SystemdNotifyError(
                code: .send, message: "cannot send to NOTIFY_SOCKET=\(address); is systemd (or the test) still listening?",
                errno: sent < 0 ? errno : nil
            )
        }
    }
}
