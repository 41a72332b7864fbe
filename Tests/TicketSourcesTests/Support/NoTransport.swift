import Transport

/// A transport that is never reached.
struct NoTransport: HTTPTransport {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        throw TransportError(code: .connection, host: request.host, message: "no transport in this test", recoverable: false)
    }
}
