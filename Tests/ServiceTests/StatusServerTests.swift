import Logging
import ServiceLifecycle
import Synchronization
import Testing
import Service

@Suite("StatusServer")
struct StatusServerTests {
    final class ReadinessSwitch: Sendable {
        let state = Mutex(Readiness.notReady("waiting for the first tick"))
        func set(_ readiness: Readiness) { state.withLock { $0 = readiness } }
        func get() -> Readiness { state.withLock { $0 } }
    }

    @Test("serves /metrics, /healthz and /readyz over loopback HTTP, and stops on graceful shutdown")
    func endpoints() async throws {
        let metrics = MetricsRegistry(version: "test")
        metrics.notifications.increment(channel: "support-leads", result: .delivered, by: 2)
        let readiness = ReadinessSwitch()
        let (bound, boundContinuation) = AsyncStream.makeStream(of: ListenAddress.self)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = try StatusServer(
            listen: "127.0.0.1:0", metrics: metrics, logger: logger,
            readiness: { readiness.get() },
            onServerRunning: { boundContinuation.yield($0) }
        )
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        let running = Task { try await group.run() }

        var addresses = bound.makeAsyncIterator()
        let address = try #require(await addresses.next())
        #expect(address.host == "127.0.0.1")
        #expect(address.port > 0)
        let probe = HTTPProbe(port: address.port)

        let scrape = try await probe.get("/metrics")
        #expect(scrape.status == 200)
        #expect(scrape.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(scrape.body == metrics.render())
        #expect(scrape.body.contains(#"slawatch_notifications_total{channel="support-leads",result="delivered"} 2"#))

        let health = try await probe.get("/healthz")
        #expect(health.status == 200)
        #expect(health.body == "ok\n")

        let notReady = try await probe.get("/readyz")
        #expect(notReady.status == 503)
        #expect(notReady.body == "waiting for the first tick\n")
        // Uptime checkers and load balancers probe with HEAD: the same status, no body.
        let headHealth = try await probe.get("/healthz", method: "HEAD")
        #expect(headHealth.status == 200 && headHealth.body.isEmpty)
        #expect(try await probe.get("/readyz", method: "HEAD").status == 503)

        readiness.set(.notReady("source zendesk is stale:\nlast successful poll 400s ago"))
        let stale = try await probe.get("/readyz")
        #expect(stale.status == 503)
        #expect(stale.body == "source zendesk is stale: last successful poll 400s ago\n")

        readiness.set(.ready)
        let ready = try await probe.get("/readyz")
        #expect(ready.status == 200)
        #expect(try await probe.get("/readyz", method: "HEAD").status == 200)
        #expect(ready.body == "ready\n")

        #expect(try await probe.get("/nothing-here").status == 404)

        await group.triggerGracefulShutdown()
        try await running.value
    }

    @Test("reports an address it cannot bind, saying what to change")
    func addressInUse() async throws {
        let (bound, boundContinuation) = AsyncStream.makeStream(of: ListenAddress.self)
        let first = try StatusServer(
            listen: "127.0.0.1:0", metrics: MetricsRegistry(version: "test"), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            readiness: { .ready }, onServerRunning: { boundContinuation.yield($0) }
        )
        let running = Task { try await first.run() }
        var addresses = bound.makeAsyncIterator()
        let address = try #require(await addresses.next())

        let second = try StatusServer(
            listen: "\(address)", metrics: MetricsRegistry(version: "test"), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), readiness: { .ready }
        )
        do {
            try await second.run()
            Issue.record("a second server bound \(address)")
        } catch let error as StatusServerError {
            #expect(error.listen == address)
            #expect(error.description.hasPrefix("cannot serve /metrics, /healthz and /readyz on \(address): "))
            #expect(error.description.hasSuffix("change `listen`"))
        }
        running.cancel()
        try? await running.value
    }

    @Test("refuses a listen value that is not HOST:PORT")
    func invalidListen() {
        #expect(throws: ListenAddress.InvalidAddress(text: "localhost")) {
            _ = try StatusServer(listen: "localhost", metrics: MetricsRegistry(version: "t"), logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }), readiness: { .ready })
        }
    }
}
