import Glibc

/// A notification that could not reach systemd.
///
/// Never fatal for the daemon: systemd treats notifications as hints, except that a
/// `Type=notify` unit whose `READY=1` never arrives fails its start after
/// `TimeoutStartSec=`, and a missing `WATCHDOG=1` gets it restarted.
public struct SystemdNotifyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed.
    public enum Code: String, Sendable, Hashable {
        /// `NOTIFY_SOCKET` is not an absolute path or `@name`, or is too long.
        case unsupportedAddress = "unsupported_address"
        /// No datagram socket could be opened.
        case socket
        /// The datagram was not sent (no listener, or the socket is gone).
        case send
    }

    public var code: Code
    /// What went wrong and what to check.
    public var message: String
    /// The system error, when there was one.
    public var errno: Int32?

    public init(code: Code, message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    public var description: String {
        guard let errno else { return message }
        return "\(message): \(String(cString: strerror(errno)))"
    }
}
