import Foundation

/// The libcurl transport: HTTP and SMTP exchanges on one multi handle driven by one
/// dedicated thread, so no exchange ever blocks the cooperative thread pool.
///
/// Connections stay in the multi handle's cache and are reused across requests (HTTP
/// keep-alive, SMTP sessions), at most `maxConnectionsPerHost` to one host. Cancelling
/// the calling task takes the exchange off the handle at once. Only HTTP and HTTPS go to
/// `send(_: HTTPRequest)`, only SMTP and SMTPS to `send(_: MailRequest)`, and TLS
/// certificates and host names are always verified. Dropping the last reference, or
/// `shutdown()`, stops the thread and fails what is still running with `shutdown`.
public final class CurlTransport: HTTPTransport, MailTransport {
    private let loop: CurlMultiLoop
    public let settings: TransportSettings

    /// Starts the curl thread.
    public init(settings: TransportSettings = TransportSettings()) throws {
        self.settings = settings
        loop = try CurlMultiLoop(settings: settings)
    }

    deinit {
        loop.shutdown()
    }

    /// Stops the curl thread; exchanges still running fail with `shutdown`, later ones at once.
    public func shutdown() {
        loop.shutdown()
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let result = try await run(.http(request))
        return HTTPResponse(status: result.status, headers: result.headers, body: result.body, bodyTruncated: result.truncated)
    }

    public func send(_ mail: MailRequest) async throws -> MailResponse {
        let result = try await run(.mail(mail))
        return MailResponse(code: result.status, reply: String(decoding: result.body, as: UTF8.self))
    }

    private func run(_ work: CurlJob.Work) async throws -> CurlResult {
        let loop = self.loop
        let id = loop.register()
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                loop.submit(CurlJob(id: id, work: work, continuation: continuation))
            }
        } onCancel: {
            loop.cancel(id)
        }
    }
}
