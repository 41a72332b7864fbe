public import Foundation

/// Why a poll or a write-back got nothing usable from a ticket source's service.
///
/// The message names the source and the host, and for a vendor's API the path a refused
/// request asked for (the source's own); never a query, an `http_json` URL's path, a token,
/// an API key or an `Authorization` header. Text the service sent back is cut short and has
/// every known secret blanked out. `recoverable` says whether the next poll may succeed
/// without anyone changing the configuration.
public struct SourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A closed set of causes; the raw values are metric labels.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// No complete answer within the request timeout, after the retries.
        case timeout
        /// Could not resolve or connect, or the connection broke, after the retries.
        case connection
        /// The TLS handshake or certificate verification failed.
        case tls
        /// HTTP 429 more often, or for longer, than the retry policy allows.
        case rateLimited = "rate_limited"
        /// HTTP 5xx after the retries.
        case serverError = "server_error"
        /// HTTP 401 or 403: the service refused the credentials.
        case authentication
        /// HTTP 404: the URL, or the ticket written to, does not exist.
        case notFound = "not_found"
        /// Any other HTTP 3xx or 4xx.
        case clientError = "client_error"
        /// A 2xx answer whose body is not what the service's API documents.
        case badResponse = "bad_response"
        /// The cursor store could not be read or written.
        case cursorStore = "cursor_store"
        /// The source's settings cannot work (a bad URL, JSON Pointer or field name).
        case invalidSettings = "invalid_settings"
        /// The calling task was cancelled.
        case cancelled
    }

    public var code: Code
    /// The source's name in the configuration.
    public var source: String
    /// The service's host name or address.
    public var host: String
    /// What went wrong and, where it can say, how to fix it.
    public var message: String
    /// True when a later poll may succeed unchanged.
    public var recoverable: Bool
    /// The HTTP status behind the error, when there was one.
    public var status: Int?
    /// Seconds the service asked to wait (`Retry-After`), when it did.
    public var retryAfter: TimeInterval?

    public init(
        code: Code, source: String, host: String, message: String, recoverable: Bool, status: Int? = nil,
        retryAfter: TimeInterval? = nil
    ) {
        self.code = code
        self.source = source
        self.host = host
        self.message = message
        self.recoverable = recoverable
        self.status = status
        self.retryAfter = retryAfter
    }

    public var description: String { "\(source) (\(host)): \(code.rawValue): \(message)" }
}
