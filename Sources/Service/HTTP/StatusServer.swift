public import Hummingbird
public import Logging
public import ServiceLifecycle
import Synchronization

/// The daemon's HTTP endpoint, a swift-service-lifecycle `Service` on Hummingbird 2:
///
/// - `GET /metrics`: `MetricsRegistry.render()`, `text/plain; version=0.0.4`;
/// - `GET /healthz`: 200 `ok` while the process is up and serving (`HEAD` for both: the status alone);
/// - `GET /readyz`: 200 `ready` when the readiness closure says so (`ready: leader` or
///   `ready: standby` for a daemon on a shared state), else 503 with its one-line reason;
/// - whatever `routes` adds (the daemon's action links and API, each guarding itself).
///
/// It binds when `run()` starts and stops on graceful shutdown or cancellation. Run it in
/// the daemon's `ServiceGroup`. `onServerRunning` hears the address actually bound, which
/// is how a caller learns the port chosen for `listen: 127.0.0.1:0`. There is no TLS:
/// keep `listen` on loopback or a private network and terminate TLS at a reverse proxy.
public struct StatusServer: NamedService {
    /// The configured address (its port may be 0).
    public let listen: ListenAddress
    private let metrics: MetricsRegistry
    private let readiness: @Sendable () async -> Readiness
    private let role: @Sendable () -> String?
    private let onServerRunning: @Sendable (ListenAddress) async -> Void
    private let routes: @Sendable (Router<ListenerContext>) -> Void
    private let logger: Logger

    /// - Parameters:
    ///   - listen: the configuration's `listen`, `HOST:PORT`.
    ///   - metrics: what `/metrics` serves.
    ///   - logger: for Hummingbird's start and error messages.
    ///   - readiness: asked on every `/readyz` request; keep it cheap (read a snapshot).
    ///   - role: the daemon's role on a shared state (`leader`, `standby`), added to `ready`;
    ///     nil for a daemon that owns its state.
    ///   - onServerRunning: called once, with the bound address, when requests can be served.
    ///   - routes: adds further routes to the router before it serves.
    /// - Throws: `ListenAddress.InvalidAddress` when `listen` is not `HOST:PORT`.
    public init(
        listen: String,
        metrics: MetricsRegistry,
        logger: Logger,
        readiness: @escaping @Sendable () async -> Readiness,
        role: @escaping @Sendable () -> String? = { nil },
        onServerRunning: @escaping @Sendable (ListenAddress) async -> Void = { _ in },
        routes: @escaping @Sendable (Router<ListenerContext>) -> Void = { _ in }
    ) throws(ListenAddress.InvalidAddress) {
        self.listen = try ListenAddress(parsing: listen)
        self.metrics = metrics
        self.readiness = readiness
        self.role = role
        self.onServerRunning = onServerRunning
        self.routes = routes
        self.logger = logger
    }

    public func run() async throws {
        let router = Router(context: ListenerContext.self)
        let metrics = self.metrics
        let readiness = self.readiness
        let role = self.role
        router.get("/metrics") { _, _ -> Response in
            Self.text(metrics.render(), status: .ok, contentType: MetricsRegistry.contentType)
        }
        router.get("/healthz") { _, _ -> Response in
            Self.text("ok\n", status: .ok)
        }
        router.get("/readyz") { _, _ -> Response in
            switch await readiness() {
            case .ready: Self.text(role().map { "ready: \($0)\n" } ?? "ready\n", status: .ok)
            case let state: Self.text("\(state)\n", status: .serviceUnavailable)
            }
        }
        // Uptime checkers and load balancers probe with HEAD: the same status, no body.
        router.on("/healthz", method: .head) { _, _ -> Response in Response(status: .ok) }
        router.on("/readyz", method: .head) { _, _ -> Response in
            Response(status: await readiness().isReady ? .ok : .serviceUnavailable)
        }
        router.refuseOtherMethods(at: "/metrics", allowing: [.get])
        router.refuseOtherMethods(at: "/healthz", allowing: [.get, .head])
        router.refuseOtherMethods(at: "/readyz", allowing: [.get, .head])
        routes(router)

        let listen = self.listen
        let onServerRunning = self.onServerRunning
        let running = Atomic(false)
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: nil),
            onServerRunning: { channel in
                running.store(true, ordering: .releasing)
                let bound = ListenAddress(host: listen.host, port: channel.localAddress?.port ?? listen.port)
                await onServerRunning(bound)
            },
            logger: logger
        )
        do {
            try await application.run()
        } catch let error where !running.load(ordering: .acquiring) && !(error is CancellationError) {
            throw StatusServerError(listen: listen, reason: "\(error); is another program listening there? Stop it or change `listen`")
        }
    }

    private static func text(_ body: String, status: HTTPResponse.Status, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}
