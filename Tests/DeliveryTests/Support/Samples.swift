import Delivery
import Foundation
import SLAEngine

/// Messages and settings the tests share.
enum Samples {
    static let createdAt = Date(timeIntervalSince1970: 1_795_000_000)

    static func ticket(_ id: String = "T-1042", subject: String = "Payment gateway rejects cards", url: String? = "https://help.example.com/t/1042") -> MessageTicket {
        MessageTicket(
            id: id, subject: subject, url: url, metric: .firstResponse, cycle: 1, step: "75%",
            dueAt: Date(timeIntervalSince1970: 1_795_003_600))
    }

    static func message(
        key: String = "T-1042/first_response/1/75%", subject: String = "SLA warning: T-1042 first response due in 15m",
        text: String = "Ticket T-1042 needs a first response.\nDue at 17:05 UTC.", urgent: Bool = false,
        tickets: [MessageTicket]? = nil, recipients: [String] = [], html: String? = nil
    ) -> OutboundMessage {
        OutboundMessage(
            key: key, channel: "support-leads", role: "lead", isUrgent: urgent, subject: subject, text: text, html: html,
            tickets: tickets ?? [ticket()], recipients: recipients, createdAt: createdAt)
    }

    /// Ticket text that tries every trick the encoders must defuse.
    static let hostile = "<!channel> <!here> @here @channel @all @everyone <@U012AB3CD> </script><script>alert(1)</script> \"}],\"x\":{\" [click](https://evil.example/phish) <https://evil.example|click> **bold** line\r\nBcc: victim@example.com\r\n\r\nInjected body"

    /// A fast, deterministic policy for tests.
    static let quickPolicy = ChannelPolicy(timeout: 5)
}
