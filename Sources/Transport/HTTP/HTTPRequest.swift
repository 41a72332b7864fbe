public import Foundation

/// An HTTP request for the transport: what a channel encoder produces and a ticket source
/// sends.
///
/// The URL is a `Secret` because webhook URLs carry their token in the path or query;
/// the description names only the method and host. Redirects are not followed unless
/// `followRedirects` is set, and then only to http and https, at most five times.
public struct HTTPRequest: Sendable, CustomStringConvertible, CustomReflectable {
    /// The request method.
    public enum Method: String, Sendable, Hashable {
        case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE"
    }

    public var method: Method
    /// `http://` or `https://`; anything else fails with `invalid_request`.
    public var url: Secret
    /// Header fields in order; a `Content-Type` belongs here when there is a body.
    public var headers: [HTTPHeader]
    public var body: Data
    /// Seconds the whole exchange may take, connecting included; nil for the transport's default.
    public var timeout: TimeInterval?
    /// Response body bytes kept; the rest is read and dropped, and the response says it was
    /// truncated. Default 1 MiB.
    public var maxResponseBytes: Int
    /// Follow 3xx redirects (http and https only, at most 5). Default off: a webhook that
    /// redirects is misconfigured.
    public var followRedirects: Bool

    public init(
        method: Method, url: Secret, headers: [HTTPHeader] = [], body: Data = Data(),
        timeout: TimeInterval? = nil, maxResponseBytes: Int = 1 << 20, followRedirects: Bool = false
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.followRedirects = followRedirects
    }

    /// The URL's host, the only part of it errors and logs may show.
    public var host: String { URLText.host(of: url.reveal()) }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var description: String { "\(method.rawValue) \(host) (\(body.count) bytes)" }

    public var customMirror: Mirror {
        Mirror(self, children: ["method": method, "host": host, "bodyBytes": body.count], displayStyle: .struct)
    }
}
