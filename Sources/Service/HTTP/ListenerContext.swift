public import Hummingbird
import NIOCore

/// What a listener route knows of a request besides its head and body: who is on the
/// other end of the connection, for the loopback rule of the API and the per-address
/// failure limit.
///
/// Request bodies are capped at `bodyLimit` when decoded; routes that read a body collect
/// it with the same cap.
public struct ListenerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection's peer; nil when the channel has none.
    public let peer: ListenerPeer?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress.map(ListenerPeer.init)
    }

    /// The largest request body any route accepts, in bytes: forms, API calls and Slack
    /// payloads are a few kilobytes.
    public static let bodyLimit = 64 * 1024

    public var maxUploadSize: Int { ListenerContext.bodyLimit }
}

/// The address a request came from, as the socket says (not as a header claims).
public struct ListenerPeer: Sendable, Hashable {
    /// The IP address as text (`127.0.0.1`, `::1`); empty for a Unix socket.
    public var ip: String
    /// True for 127.0.0.0/8, `::1` and IPv4-mapped loopback (`::ffff:127.0.0.1`).
    public var isLoopback: Bool

    public init(ip: String, isLoopback: Bool) {
        self.ip = ip
        self.isLoopback = isLoopback
    }

    init(_ address: SocketAddress) {
        let ip = address.ipAddress ?? ""
        self.init(ip: ip, isLoopback: ListenerPeer.isLoopback(ip))
    }

    /// Whether an address in text form is a loopback address.
    public static func isLoopback(_ ip: String) -> Bool {
        let lowered = ip.lowercased()
        if lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" { return true }
        let v4 = lowered.hasPrefix("::ffff:") ? String(lowered.dropFirst(7)) : lowered
        let octets = v4.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
