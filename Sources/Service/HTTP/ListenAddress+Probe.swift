import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension ListenAddress {
    /// Binds the address once, as the status server will (`SO_REUSEADDR`), and lets it go,
    /// so a daemon that cannot serve there stops before its first tick with the reason.
    ///
    /// Port 0 always binds. - Throws: `StatusServerError` saying what stands in the way
    /// (the port in use, a privileged port, an address this machine does not have) and
    /// what to change.
    public func probe() throws(StatusServerError) {
        try probe(port: port)
    }

    /// Whether this machine has the host: `probe()` on any free port, so a daemon already
    /// serving on the port (the one `check` is run beside) does not count against it.
    public func probeHost() throws(StatusServerError) {
        try probe(port: 0)
    }

    private func probe(port: Int) throws(StatusServerError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw StatusServerError(listen: self, reason: "\(host) is not an address of this machine nor a name that resolves "
                + "(\(String(cString: gai_strerror(status)))); change `listen`")
        }
        defer { freeaddrinfo(first) }
        var failure: Int32 = 0
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            let fd = socket(current.pointee.ai_family, current.pointee.ai_socktype, current.pointee.ai_protocol)
            if fd >= 0 {
                var on: Int32 = 1
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
                let bound = bind(fd, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0
                failure = bound ? 0 : errno
                close(fd)
                if bound { return }
            } else {
                failure = errno
            }
            entry = current.pointee.ai_next
        }
        throw StatusServerError(listen: self, reason: ListenAddress.explain(failure, port: port))
    }

    /// What a failed bind means and what to do about it.
    static func explain(_ code: Int32, port: Int) -> String {
        switch code {
        case EADDRINUSE:
            "the port is in use by another program (another slawatch?); stop it, or change `listen` to a free port"
        case EACCES:
            port < 1024 ? "ports below 1024 need privileges slawatch does not have; change `listen` to a port above 1023"
                : "the system refused the address; change `listen`"
        case EADDRNOTAVAIL:
            "no network interface of this machine has that address; change `listen` to one it has, such as 127.0.0.1"
        default:
            "\(String(cString: strerror(code))); change `listen`"
        }
    }
}
