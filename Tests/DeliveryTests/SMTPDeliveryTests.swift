import Foundation
import SLAEngine
import Testing
@testable import Delivery
import Transport

/// Mail through the real curl transport to aiosmtpd on loopback: plain, STARTTLS and
/// implicit TLS on a certificate made for the run, with and without AUTH.
@Suite struct SMTPDeliveryTests {
    static let subject = "Überfällig: T-1042 — erste Antwort überschritten"
    static let text = "Ticket T-1042 is past its first response target.\n"
        + String(repeating: "A long line with = signs and ümlauts that goes on and on. ", count: 30) + "\n\nDana"

    static func notifier(
        _ server: SMTPServer, scheme: String = "smtp", security: SMTPRelay.Security, auth: (String, String)? = nil,
        trusted: Bool = true, to: [String] = ["Dana Director <director@example.com>"], cc: [String] = []
    ) async throws -> EmailNotifier {
        let relay = try SMTPRelay(
            url: "\(scheme)://127.0.0.1:\(server.port)", security: security, username: auth?.0, password: auth.map { Secret($0.1) },
            from: "Example Support <support@example.com>", caFile: trusted ? try await TestCertificate.shared().certificate : nil)
        return try EmailNotifier(
            channel: "director", relay: relay, to: to, cc: cc, transport: try CurlTransport(), policy: Samples.quickPolicy,
            context: DeliveryContext(clock: VirtualClock(), random: { 0.5 }))
    }

    static var message: OutboundMessage {
        Samples.message(subject: subject, text: text)
    }

    /// The checks every received message must pass.
    static func checkWellFormed(_ mail: ReceivedMail, subject: String = subject, text: String = text) {
        #expect(mail.crlf_only)
        #expect(mail.max_line_octets <= 78)
        #expect(mail.defects.isEmpty, "\(mail.defects)")
        #expect(mail.mail_from == "support@example.com")
        #expect(mail.header("From") == "Example Support <support@example.com>")
        #expect(mail.header("Subject") == subject)
        #expect(mail.header("MIME-Version") == "1.0")
        #expect(mail.header("Date") == "Wed, 18 Nov 2026 11:06:40 +0000")
        #expect(mail.header("Message-ID") == "<\(MailMessage.messageID(forKey: "T-1042/first_response/1/75%", domain: "example.com"))>")
        #expect(mail.content_type == "multipart/alternative")
        #expect(mail.parts.map(\.content_type) == ["text/plain", "text/html"])
        #expect(mail.parts.allSatisfy { $0.charset == "utf-8" && $0.transfer_encoding == "quoted-printable" })
        let plain = mail.parts[0].content.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(plain == text || plain == text + "\n")
        #expect(mail.parts[1].content.contains("Ticket T-1042 is past its first response target."))
        #expect(mail.parts[1].content.contains("<a href=\"https://help.example.com/t/1042\">T-1042</a>"))
    }

    @Test func plainRelay() async throws {
        let server = try await SMTPServer.start()
        defer { server.stop() }
        let outcome = try await SMTPDeliveryTests.notifier(server, security: .none).deliver(SMTPDeliveryTests.message)
        #expect(outcome.status == .delivered, "\(outcome)")
        #expect(outcome.answer?.status == 250)
        #expect(outcome.answer?.excerpt.contains("queued as SLW42") == true)
        let mails = try server.messages()
        try #require(mails.count == 1)
        SMTPDeliveryTests.checkWellFormed(mails[0])
        #expect(mails[0].rcpt_tos == ["director@example.com"])
        #expect(mails[0].header("To") == "Dana Director <director@example.com>")
        #expect(!mails[0].tls)
    }

    @Test func startTLSWithAuth() async throws {
        let server = try await SMTPServer.start(tls: .starttls, auth: ("slawatch", "s3cr3t-pa55"))
        defer { server.stop() }
        let notifier = try await SMTPDeliveryTests.notifier(server, security: .starttls, auth: ("slawatch", "s3cr3t-pa55"))
        let outcome = await notifier.deliver(SMTPDeliveryTests.message)
        #expect(outcome.status == .delivered, "\(outcome)")
        let mails = try server.messages()
        try #require(mails.count == 1)
        SMTPDeliveryTests.checkWellFormed(mails[0])
        #expect(mails[0].tls)
        #expect(mails[0].login == "slawatch")
    }

    @Test func implicitTLSWithAuth() async throws {
        let server = try await SMTPServer.start(tls: .implicit, auth: ("slawatch", "s3cr3t-pa55"))
        defer { server.stop() }
        let notifier = try await SMTPDeliveryTests.notifier(server, scheme: "smtps", security: .implicit, auth: ("slawatch", "s3cr3t-pa55"))
        let outcome = await notifier.deliver(SMTPDeliveryTests.message)
        #expect(outcome.status == .delivered, "\(outcome)")
        let mails = try server.messages()
        try #require(mails.count == 1)
        SMTPDeliveryTests.checkWellFormed(mails[0])
        #expect(mails[0].tls)
        #expect(mails[0].login == "slawatch")
    }

    /// One transaction per recipient: the refused one is known, the other still gets it.
    @Test func oneOfTwoRecipientsRejected() async throws {
        let server = try await SMTPServer.start(rejecting: ["nobody@example.com"])
        defer { server.stop() }
        let notifier = try await SMTPDeliveryTests.notifier(
            server, security: .none, to: ["director@example.com", "nobody@example.com"])
        let outcome = await notifier.deliver(SMTPDeliveryTests.message)
        #expect(outcome.status == .partiallyDelivered)
        #expect(outcome.recipients.map(\.address) == ["director@example.com", "nobody@example.com"])
        #expect(outcome.recipients.map(\.status) == [.delivered, .failed])
        let refused = try #require(outcome.recipients[1].error)
        #expect(refused.code == .rejectedRecipient)
        #expect(refused.status == 550)
        #expect(refused.recoverable == false)
        #expect(refused.message.contains("nobody@example.com"))
        // The relay's own reply, not only libcurl's "RCPT failed: 550".
        #expect(refused.message.contains("with \"550 5.1.1 <nobody@example.com>: Recipient address rejected"), "\(refused.message)")
        #expect(outcome.recipients[1].attempts == 1)
        let mails = try server.messages()
        try #require(mails.count == 1)
        #expect(mails[0].rcpt_tos == ["director@example.com"])
        #expect(mails[0].header("To") == "director@example.com, nobody@example.com")
    }

    @Test func aRefusedMessageIsReportedWithTheRelaysReply() async throws {
        let server = try await SMTPServer.start(rejectingData: "554 5.7.1 Message rejected as spam")
        defer { server.stop() }
        let notifier = try await SMTPDeliveryTests.notifier(server, security: .none)
        let outcome = await notifier.deliver(SMTPDeliveryTests.message)
        let refused = try #require(outcome.recipients.first?.error)
        #expect(refused.status == 554)
        #expect(refused.recoverable == false)
        #expect(refused.message.contains("554 5.7.1 Message rejected as spam"), "\(refused.message)")
        #expect(!refused.message.lowercased().contains("weird"))
        #expect(try server.messages().isEmpty)
    }

    @Test func customerRecipientsReplaceToAndCcIsAdded() async throws {
        let server = try await SMTPServer.start()
        defer { server.stop() }
        let notifier = try await SMTPDeliveryTests.notifier(server, security: .none, to: [], cc: ["Support Lead <lead@example.com>"])
        let outcome = await notifier.deliver(Samples.message(subject: SMTPDeliveryTests.subject, text: SMTPDeliveryTests.text, recipients: ["ops@acme.example"]))
        #expect(outcome.status == .delivered)
        let mails = try server.messages().sorted { $0.rcpt_tos[0] < $1.rcpt_tos[0] }
        #expect(mails.map(\.rcpt_tos) == [["lead@example.com"], ["ops@acme.example"]])
        #expect(mails.allSatisfy { $0.header("To") == "ops@acme.example" && $0.header("Cc") == "Support Lead <lead@example.com>" })
    }

    @Test func aResendCarriesTheSameMessageID() async throws {
        let server = try await SMTPServer.start()
        defer { server.stop() }
        let notifier = try await SMTPDeliveryTests.notifier(server, security: .none)
        _ = await notifier.deliver(SMTPDeliveryTests.message)
        _ = await notifier.deliver(SMTPDeliveryTests.message)
        let ids = try server.messages().map { $0.header("Message-ID") }
        #expect(ids.count == 2 && ids[0] == ids[1] && ids[0] != nil)
    }

    @Test func anUntrustedCertificateIsATLSFailure() async throws {
        let server = try await SMTPServer.start(tls: .starttls)
        defer { server.stop() }
        let outcome = try await SMTPDeliveryTests.notifier(server, security: .starttls, trusted: false).deliver(SMTPDeliveryTests.message)
        #expect(outcome.status == .failed)
        #expect(outcome.error?.code == .tls)
        #expect(outcome.error?.recoverable == false)
        #expect(outcome.error?.message.contains("ca_file") == true)
        #expect(outcome.attempts == 1)
        #expect(try server.messages().isEmpty)
    }

    @Test func startTLSIsRequiredWhenAsked() async throws {
        let server = try await SMTPServer.start()  // offers no STARTTLS
        defer { server.stop() }
        let outcome = try await SMTPDeliveryTests.notifier(server, security: .starttls).deliver(SMTPDeliveryTests.message)
        #expect(outcome.status == .failed)
        #expect(outcome.error?.code == .tls)
        #expect(try server.messages().isEmpty)
    }

    @Test func aWrongPasswordIsAnAuthenticationFailure() async throws {
        let server = try await SMTPServer.start(tls: .starttls, auth: ("slawatch", "right-password"))
        defer { server.stop() }
        let outcome = try await SMTPDeliveryTests.notifier(server, security: .starttls, auth: ("slawatch", "wrong-password-123"))
            .deliver(SMTPDeliveryTests.message)
        #expect(outcome.status == .failed)
        #expect(outcome.error?.code == .authentication)
        // aiosmtpd's own refusal, which tells a bad password from a policy block.
        #expect(outcome.error?.message.contains("refused the login with \"535 5.7.8 Authentication credentials invalid\"") == true,
                "\(outcome.error?.message ?? "-")")
        #expect(outcome.attempts == 1)
        #expect(!String(describing: outcome).contains("wrong-password-123"))
    }

    @Test func aSubjectCannotAddABccHeader() async throws {
        let server = try await SMTPServer.start()
        defer { server.stop() }
        let hostile = "Breach\r\nBcc: victim@example.com\r\nX-Injected: yes"
        let outcome = try await SMTPDeliveryTests.notifier(server, security: .none)
            .deliver(Samples.message(subject: hostile, text: "Body\r\n.\r\nBcc: x@example.com"))
        #expect(outcome.status == .delivered)
        let mails = try server.messages()
        try #require(mails.count == 1)
        #expect(!mails[0].headerNames().contains("bcc") && !mails[0].headerNames().contains("x-injected"))
        #expect(mails[0].rcpt_tos == ["director@example.com"])
        #expect(mails[0].header("Subject") == "Breach  Bcc: victim@example.com  X-Injected: yes")
        // A lone dot in the body is not the end of the message.
        #expect(mails[0].parts[0].content.replacingOccurrences(of: "\r\n", with: "\n").hasPrefix("Body\n.\nBcc: x@example.com"))
    }

    /// A relay that takes the connection but never greets runs out the connection's limit
    /// (the greeting is part of connecting), and the error says the time waited, not the
    /// exchange's longer limit.
    @Test func aRelayThatNeverGreetsIsATimeoutOfTheTimeWaited() async throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        #expect(listen(listener, 4) == 0)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let relay = try SMTPRelay(
            url: "smtp://127.0.0.1:\(UInt16(bigEndian: address.sin_port))", security: .none, from: "s@example.com")
        let notifier = try EmailNotifier(
            channel: "mail", relay: relay, to: ["a@example.com"],
            transport: try CurlTransport(settings: TransportSettings(connectTimeout: 0.5)), policy: ChannelPolicy(timeout: 4),
            context: DeliveryContext(clock: VirtualClock(), random: { 0.5 }))
        let outcome = await notifier.deliver(Samples.message())
        #expect(outcome.error?.code == .timeout)
        #expect(outcome.error?.message.contains("did not answer within 0.5 s") == true, "\(outcome.error?.message ?? "-")")
    }
}
