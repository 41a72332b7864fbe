import Delivery
import Foundation
import Logging
import SLAEngine
import StateStore
import TestSupport
import Testing
import Transport
@testable import Daemon

/// A mail the relay took for some recipients and refused for now for another is tried
/// again for that one alone: nobody is lost, nobody gets it twice. A real SMTP server.
@Suite struct MailRetryTests {
    static let deliveryFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../DeliveryTests/Fixtures").standardized

    @Test func aRecipientRefusedForNowGetsItOnTheRetryAndTheOthersOnlyOnce() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-mail-retry-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("mail.jsonl").path
        let server = try await FixtureProcess.start(
            "smtp_receiver.py", in: Self.deliveryFixtures, ["--out", output, "--tls", "none", "--defer", "b@example.com"])
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.shutdown() }
        let mail = try EmailNotifier(
            channel: "director", relay: SMTPRelay(url: "smtp://127.0.0.1:\(server.port)", security: MailSecurity.none, from: "support@example.com"),
            to: ["a@example.com", "b@example.com"], transport: transport)
        let store = MemoryOutbox()
        let dispatcher = OutboxDispatcher(
            store: store, notifiers: ["director": mail], opsChannel: nil, templates: try MessageTemplates(directory: nil),
            random: { 0 }, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        await dispatcher.submit([OutboundMessage(
            key: "T-1/first_response/1/breach@director", channel: "director", subject: "Breach", text: "T-1 is overdue.",
            createdAt: Date())])
        await dispatcher.drain()
        // b was refused with 450: the retry, half a second later, goes to b alone.
        guard case .retry(_, "rejected_recipient", _)? = store.records.first?.result else {
            Issue.record("expected a retry, got \(store.records)")
            return
        }
        #expect(store.records.first?.next?.retryTo == ["b@example.com"])
        try await Task.sleep(for: .milliseconds(700))
        await dispatcher.drain()
        #expect(store.records.count == 2)
        guard case .delivered? = store.records.last?.result else {
            Issue.record("expected the retry delivered, got \(store.records)")
            return
        }
        let deliveries = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["rcpt_tos"] as! [String]
        }
        #expect(deliveries == [["a@example.com"], ["b@example.com"]])
    }
}
