import Logging
import Testing
import Service

@Suite("WatchdogService")
struct WatchdogServiceTests {
    @Test("is not created without a watchdog")
    func offWithoutWatchdog() {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "@nowhere"])
        #expect(WatchdogService(notifier: notifier, heartbeats: [LoopHeartbeat()], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })) == nil)
    }

    @Test("pings while the loop makes progress, and not once it has stalled")
    func pingsOnlyWithProgress() async throws {
        let receiver = try DatagramReceiver(abstract: true)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket, "WATCHDOG_USEC": "2000000"])
        let heartbeat = LoopHeartbeat()
        let service = try #require(WatchdogService(notifier: notifier, heartbeats: [heartbeat], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
        #expect(service.gate.pingInterval == .seconds(1))

        // Intervals of seconds, so a loaded machine running the whole suite keeps up.
        heartbeat.beat()
        let running = Task { try await service.run() }
        #expect(await receiver.receive() == "WATCHDOG=1")
        heartbeat.beat()
        #expect(await receiver.receive() == "WATCHDOG=1")
        // No more progress: pings stop within one interval, so after at most two more
        // (one a second) a 3 s wait hears nothing.
        var pingsWithoutProgress = 0
        while await receiver.receive(timeout: .seconds(3)) != nil, pingsWithoutProgress <= 10 {
            pingsWithoutProgress += 1
        }
        #expect(pingsWithoutProgress <= 2)
        // Progress again: pings resume.
        heartbeat.beat()
        #expect(await receiver.receive() == "WATCHDOG=1")
        running.cancel()
        try await running.value
    }
}
