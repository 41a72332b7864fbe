public import Foundation

/// How the curl transport connects: timeouts, connection limits, trust and proxy.
///
/// The defaults suit chat webhooks: keep-alive connections are kept in the multi handle's
/// cache and reused, at most `maxConnectionsPerHost` to one host, further requests wait
/// for a free connection instead of opening more.
public struct TransportSettings: Sendable {
    /// Seconds to establish a connection (TCP and TLS). Default 5.
    public var connectTimeout: TimeInterval
    /// Seconds a whole exchange may take when the request names none. Default 10.
    public var timeout: TimeInterval
    /// Connections open at once to one host (`CURLMOPT_MAX_HOST_CONNECTIONS`). Default 8.
    public var maxConnectionsPerHost: Int
    /// Connections open at once in all (`CURLMOPT_MAX_TOTAL_CONNECTIONS`); 0 for no cap. Default 64.
    public var maxConnections: Int
    /// A PEM bundle of CAs to trust for HTTPS instead of the system's; nil for the system's.
    /// Certificate and host name verification are always on.
    public var caFile: String?
    /// An HTTP(S) proxy for HTTP requests (`http://[user:pass@]host:port`); nil for none.
    /// The `http_proxy`/`https_proxy` environment variables are ignored either way, so what
    /// is configured is what happens. SMTP never goes through the proxy.
    public var proxy: Secret?
    /// The `User-Agent` header. Default `slawatch`.
    public var userAgent: String

    public init(
        connectTimeout: TimeInterval = 5, timeout: TimeInterval = 10, maxConnectionsPerHost: Int = 8,
        maxConnections: Int = 64, caFile: String? = nil, proxy: Secret? = nil, userAgent: String = "slawatch"
    ) {
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.maxConnections = maxConnections
        self.caFile = caFile
        self.proxy = proxy
        self.userAgent = userAgent
    }
}
