import Foundation
import Testing
import Service

@Suite("SystemdNotifier")
struct SystemdNotifierTests {
    @Test("sends the exact datagrams", arguments: [false, true])
    func datagrams(abstract: Bool) async throws {
        let receiver = try DatagramReceiver(abstract: abstract)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])
        #expect(notifier.isEnabled)
        #expect(notifier.address?.description == receiver.notifySocket)

        try notifier.ready()
        #expect(await receiver.receive() == "READY=1")
        try notifier.ready(status: "watching 2 sources\n0 breached")
        #expect(await receiver.receive() == "READY=1\nSTATUS=watching 2 sources 0 breached")
        try notifier.status("1204 tickets, 3 breached, next wake 09:00:00Z")
        #expect(await receiver.receive() == "STATUS=1204 tickets, 3 breached, next wake 09:00:00Z")
        try notifier.reloading(monotonicMicroseconds: 123_456_789)
        #expect(await receiver.receive() == "RELOADING=1\nMONOTONIC_USEC=123456789")
        try notifier.reloading(status: "reloading configuration", monotonicMicroseconds: 42)
        #expect(await receiver.receive() == "RELOADING=1\nMONOTONIC_USEC=42\nSTATUS=reloading configuration")
        try notifier.stopping()
        #expect(await receiver.receive() == "STOPPING=1")
        try notifier.watchdog()
        #expect(await receiver.receive() == "WATCHDOG=1")
    }

    @Test("RELOADING carries CLOCK_MONOTONIC now, in microseconds")
    func reloadingUsesMonotonicClock() async throws {
        let receiver = try DatagramReceiver(abstract: true)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket])
        let before = SystemdNotifier.monotonicMicroseconds()
        try notifier.reloading()
        let after = SystemdNotifier.monotonicMicroseconds()
        let datagram = try #require(await receiver.receive())
        let lines = datagram.split(separator: "\n")
        #expect(lines.first == "RELOADING=1")
        let value = try #require(lines.last.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) })
        #expect(lines.last?.hasPrefix("MONOTONIC_USEC=") == true)
        #expect((before...after).contains(value))
    }

    @Test("is a no-op without NOTIFY_SOCKET")
    func noSocket() throws {
        for environment in [[:], ["NOTIFY_SOCKET": ""]] as [[String: String]] {
            let notifier = SystemdNotifier(environment: environment)
            #expect(!notifier.isEnabled)
            #expect(notifier.address == nil)
            try notifier.ready(status: "x")
            try notifier.reloading()
            try notifier.stopping()
            try notifier.watchdog()
        }
    }

    @Test("refuses an address it cannot reach, and reports a missing listener")
    func errors() throws {
        let vsock = SystemdNotifier(environment: ["NOTIFY_SOCKET": "vsock:2:1234"])
        #expect(vsock.isEnabled)
        #expect(throws: SystemdNotifyError.self) { try vsock.ready() }
        do {
            try vsock.ready()
        } catch let error as SystemdNotifyError {
            #expect(error.code == .unsupportedAddress)
        }

        let gone = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/slawatch-\(UUID().uuidString)/notify"])
        do {
            try gone.ready()
            Issue.record("sending to a missing socket succeeded")
        } catch let error as SystemdNotifyError {
            #expect(error.code == .send)
            #expect(error.description.contains("No such file or directory"))
        }

        let long = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 200)])
        #expect(throws: SystemdNotifyError(code: .unsupportedAddress, message: long.notifySocket.map {
            "NOTIFY_SOCKET=\($0) is longer than a socket address can be (107 bytes)"
        }!)) { try long.watchdog() }
    }

    struct WatchdogCase: Sendable, CustomTestStringConvertible {
        var environment: [String: String]
        var expected: Duration?
        var testDescription: String { "\(environment.sorted { $0.key < $1.key }) → \(expected.map { "\($0)" } ?? "off")" }
    }

    @Test("watchdog interval from WATCHDOG_USEC, honouring WATCHDOG_PID", arguments: [
        WatchdogCase(environment: ["WATCHDOG_USEC": "60000000"], expected: .seconds(60)),
        WatchdogCase(environment: ["WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "4242"], expected: .seconds(60)),
        WatchdogCase(environment: ["WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "4243"], expected: nil),
        WatchdogCase(environment: ["WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "me"], expected: nil),
        WatchdogCase(environment: ["WATCHDOG_USEC": "60000000", "WATCHDOG_PID": ""], expected: .seconds(60)),
        WatchdogCase(environment: ["WATCHDOG_USEC": "1500"], expected: .microseconds(1500)),
        WatchdogCase(environment: ["WATCHDOG_USEC": "0"], expected: nil),
        WatchdogCase(environment: ["WATCHDOG_USEC": "-5"], expected: nil),
        WatchdogCase(environment: ["WATCHDOG_USEC": "60s"], expected: nil),
        WatchdogCase(environment: ["WATCHDOG_USEC": "18446744073709551615"], expected: nil),
        WatchdogCase(environment: ["WATCHDOG_PID": "4242"], expected: nil),
        WatchdogCase(environment: [:], expected: nil),
    ])
    func watchdogInterval(_ example: WatchdogCase) {
        let notifier = SystemdNotifier(environment: example.environment, processID: 4242)
        #expect(notifier.watchdogInterval == example.expected)
        #expect(notifier.watchdogPingInterval == example.expected.map { $0 / 2 })
    }

    @Test("the default process id is this process's")
    func ownProcessID() {
        let pid = ProcessInfo.processInfo.processIdentifier
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "\(pid)"]).watchdogInterval == .seconds(2))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "\(pid + 1)"]).watchdogInterval == nil)
    }
}
