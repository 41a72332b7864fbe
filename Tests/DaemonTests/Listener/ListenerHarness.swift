import Foundation
import Hummingbird
import Logging
import Service
import ServiceLifecycle
import Transport

/// A `StatusServer` on a free loopback port with the routes a test adds, and a libcurl
/// transport to talk to it; `stop()` shuts it down.
struct ListenerHarness {
    let port: Int
    let transport: CurlTransport
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    static func start(routes: @escaping @Sendable (Router<ListenerContext>) -> Void) async throws -> ListenerHarness {
        let (bound, continuation) = AsyncStream.makeStream(of: ListenAddress.self)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = try StatusServer(
            listen: "127.0.0.1:0", metrics: MetricsRegistry(version: "test"), logger: logger, readiness: { .ready },
            onServerRunning: { continuation.yield($0) }, routes: routes)
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        let running = Task { try await group.run() }
        var addresses = bound.makeAsyncIterator()
        guard let address = await addresses.next() else { throw CancellationError() }
        return ListenerHarness(port: address.port, transport: try CurlTransport(), group: group, running: running)
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
        transport.shutdown()
    }

    /// Sends a request to `path` on the listener.
    func send(
        _ method: Transport.HTTPRequest.Method, _ path: String, headers: [HTTPHeader] = [], body: String = ""
    ) async throws -> (status: Int, body: String, response: Transport.HTTPResponse) {
        let response = try await transport.send(Transport.HTTPRequest(
            method: method, url: Secret("http://127.0.0.1:\(port)\(path)"), headers: headers, body: Data(body.utf8), timeout: 10))
        return (response.status, String(decoding: response.body, as: UTF8.self), response)
    }
}
