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

    @Test("withholds pings when one of the loops it watches stalls, though the other goes on")
    func oneStalledLoopIsEnough() async throws {
        let receiver = try DatagramReceiver(abstract: true)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket, "WATCHDOG_USEC": "2000000"])
        let ticks = LoopHeartbeat(), deliveries = LoopHeartbeat()
        let service = try #require(WatchdogService(
            notifier: notifier, heartbeats: [ticks, deliveries], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
        let running = Task { try await service.run() }
        #expect(await receiver.receive() == "WATCHDOG=1")
        // The tick loop keeps beating; the dispatcher's heartbeat stands still.
        let beating = Task {
            while !Task.isCancelled {
                ticks.beat()
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        var pings = 0
        while await receiver.receive(timeout: .seconds(3)) != nil, pings <= 10 { pings += 1 }
        #expect(pings <= 2)
        // Both beat again: pings resume.
        deliveries.beat()
        #expect(await receiver.receive() == "WATCHDOG=1")
        beating.cancel()
        running.cancel()
        try await running.value
    }
}
