import Logging
import Service
import Testing

/// A service is named by its type, not by a reflection of what it holds: the service group
/// uses `"\(service)"` as the name in its log lines.
@Suite struct NamedServiceTests {
    struct Probe: NamedService {
        let token = "held by the service"
        func run() async throws {}
    }

    @Test func aServiceIsNamedByItsTypeAlone() {
        #expect("\(Probe())" == "Probe")
    }

    @Test func theWatchdogIsNamedByItsType() throws {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "@nowhere", "WATCHDOG_USEC": "6000000"])
        let watchdog = try #require(
            WatchdogService(notifier: notifier, heartbeats: [LoopHeartbeat()], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
        #expect("\(watchdog)" == "WatchdogService")
    }
}
