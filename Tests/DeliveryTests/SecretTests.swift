import Foundation
import SLAEngine
import Testing
@testable import Delivery
import Transport

/// No description, error text, outcome or dump may contain a webhook token, an SMTP
/// password or a signing secret.
@Suite struct SecretTests {
    static let token = "T0KEN9f8e7d6c5b4a"
    static let url = "https://hooks.example.com/services/T000/B000/\(token)?key=QUERYSECRET42"
    static let signing = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let headerToken = "Bearer hdr-7c1d2e3f4a5b"
    static let password = "smtp-pa55word-xyz"
    static let secrets = [token, "QUERYSECRET42", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "hdr-7c1d2e3f4a5b", password]

    static func everyRendering(of value: Any) -> String {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), dumped].joined(separator: "\n")
    }

    static func expectClean(_ value: Any, _ what: String) {
        let text = everyRendering(of: value)
        for secret in secrets {
            #expect(!text.contains(secret), "\(what) shows a secret: \(text.prefix(300))")
        }
    }

    @Test func descriptionsHideSecrets() throws {
        let signer = try WebhookSigner(secret: Secret(SecretTests.signing))
        let encoder = try WebhookEncoder(url: Secret(SecretTests.url), signer: signer, headers: ["Authorization": Secret(SecretTests.headerToken)])
        let request = try encoder.request(for: Samples.message(), at: Samples.createdAt)
        let relay = try SMTPRelay(url: "smtp://mail.example.com:587", username: "slawatch", password: Secret(SecretTests.password), from: "s@example.com")
        let transport = try CurlTransport(settings: TransportSettings(proxy: Secret("http://user:\(SecretTests.password)@proxy:3128")))
        let values: [(Any, String)] = [
            (Secret(SecretTests.token), "Secret"),
            (signer, "WebhookSigner"),
            (encoder, "WebhookEncoder"),
            (try SlackEncoder(url: Secret(SecretTests.url)), "SlackEncoder"),
            (try GoogleChatEncoder(url: Secret(SecretTests.url)), "GoogleChatEncoder"),
            (request, "HTTPRequest"),
            (request.headers, "HTTPRequest.headers"),
            (relay, "SMTPRelay"),
            (relay.request(recipient: MailAddress(parsing: "a@example.com")!, message: Data()), "MailRequest"),
            (HTTPNotifier(channel: "c", encoder: encoder, transport: transport), "HTTPNotifier"),
            (try EmailNotifier(channel: "c", relay: relay, to: ["a@example.com"], transport: transport), "EmailNotifier"),
            (transport.settings, "TransportSettings"),
        ]
        for (value, name) in values { SecretTests.expectClean(value, name) }
    }

    /// A receiver that echoes everything it was sent back in its error body.
    @Test func answersAndErrorsAreRedacted() async throws {
        let echo = "invalid token \(SecretTests.url) with Authorization: \(SecretTests.headerToken) signed by \(SecretTests.signing) path /services/T000/B000/\(SecretTests.token)"
        let encoder = try WebhookEncoder(
            url: Secret(SecretTests.url), signer: WebhookSigner(secret: Secret(SecretTests.signing)),
            headers: ["Authorization": Secret(SecretTests.headerToken)])
        for status in [401, 500] {
            let notifier = HTTPNotifier(
                channel: "hook", encoder: encoder, transport: ScriptedTransport([.answer(status, body: echo)]),
                policy: Samples.quickPolicy, context: DeliveryContext(clock: VirtualClock(), random: { 0 }))
            let outcome = await notifier.deliver(Samples.message())
            #expect(outcome.status == .failed)
            #expect(outcome.answer?.excerpt.contains("<secret>") == true)
            #expect(outcome.error?.message.contains("hooks.example.com") == true)
            SecretTests.expectClean(outcome, "outcome for \(status)")
        }
    }

    @Test func transportErrorsNameOnlyTheHost() async throws {
        let transport = try CurlTransport(settings: TransportSettings(connectTimeout: 2))
        let urls = [
            "http://127.0.0.1:9/services/T000/B000/\(SecretTests.token)?key=QUERYSECRET42",  // refused
            "http://user:\(SecretTests.password)@127.0.0.1:9/\(SecretTests.token)",  // userinfo
            "ftp://127.0.0.1/\(SecretTests.token)",  // wrong scheme
            "http://no-such-host.invalid/\(SecretTests.token)",  // resolution failure
        ]
        for url in urls {
            do {
                _ = try await transport.send(HTTPRequest(method: .post, url: Secret(url), body: Data("{}".utf8)))
                Issue.record("\(url.prefix(12)) should have failed")
            } catch let error as TransportError {
                SecretTests.expectClean(error, "TransportError")
                SecretTests.expectClean(DeliveryError(error), "DeliveryError")
            }
        }
    }

    @Test func smtpFailuresHideThePassword() async throws {
        let relay = try SMTPRelay(
            url: "smtp://127.0.0.1:9", security: SMTPRelay.Security.none, username: "slawatch", password: Secret(SecretTests.password),
            from: "s@example.com")
        let notifier = try EmailNotifier(
            channel: "mail", relay: relay, to: ["a@example.com"], transport: try CurlTransport(), policy: Samples.quickPolicy,
            context: DeliveryContext(clock: VirtualClock(), random: { 0 }))
        let outcome = await notifier.deliver(Samples.message())
        #expect(outcome.status == .failed)
        #expect(outcome.error?.code == .connection)
        SecretTests.expectClean(outcome, "mail outcome")
    }
}
