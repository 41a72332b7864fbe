/// Sends HTTP requests: the capability channel notifiers and ticket sources need, so that
/// tests can stand a fake in for libcurl.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the receiver's answer, whatever its status.
    ///
    /// Throws `TransportError` when there is no answer (timeout, connection, TLS), and
    /// `CancellationError` when the calling task is cancelled, which aborts the exchange.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
