import Foundation
import SLAEngine
import Testing
@testable import Delivery

/// Notifiers over a scripted transport on a virtual clock: no sockets, no sleeping.
@Suite struct NotifierTests {
    static let hook = Credential("https://hooks.example.com/services/T000/B000/XXXXXXXXXXXX")

    static func notifier(
        _ encoder: any ChannelEncoder, _ transport: ScriptedTransport, policy: ChannelPolicy = Samples.quickPolicy,
        clock: VirtualClock, counters: DeliveryCounters? = nil
    ) -> HTTPNotifier {
        HTTPNotifier(
            channel: "leads", encoder: encoder, transport: transport, policy: policy,
            context: DeliveryContext(clock: clock, random: { 0.5 }, counters: counters))
    }

    static func failure(_ code: TransportError.Code, recoverable: Bool = true, reply: Int? = nil) -> TransportError {
        TransportError(code: code, host: "hooks.example.com", message: "\(code)", recoverable: recoverable, replyCode: reply)
    }

    @Test func slackKeepsOneMessagePerSecondByDefault() async throws {
        let clock = VirtualClock()
        let notifier = NotifierTests.notifier(try SlackEncoder(url: NotifierTests.hook), ScriptedTransport([.answer(200)]), clock: clock)
        for _ in 0..<4 { _ = await notifier.deliver(Samples.message()) }
        #expect(clock.sleeps == [1, 1, 1])
    }

    @Test func aConfiguredRateReplacesTheDefault() async throws {
        let clock = VirtualClock()
        let policy = ChannelPolicy(rateLimit: SendRate(count: 2, per: 1))
        let notifier = NotifierTests.notifier(try SlackEncoder(url: NotifierTests.hook), ScriptedTransport([.answer(200)]), policy: policy, clock: clock)
        for _ in 0..<4 { _ = await notifier.deliver(Samples.message()) }
        #expect(clock.sleeps == [0.5, 0.5])
    }

    @Test func otherKindsAreUnlimitedByDefault() async throws {
        let clock = VirtualClock()
        let notifier = NotifierTests.notifier(try TeamsEncoder(url: NotifierTests.hook), ScriptedTransport([.answer(202)]), clock: clock)
        for _ in 0..<5 { #expect(await notifier.deliver(Samples.message()).status == .delivered) }
        #expect(clock.sleeps.isEmpty)
    }

    @Test func transientFailuresBackOffThenDeliver() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport([.fail(NotifierTests.failure(.timeout)), .fail(NotifierTests.failure(.connection)), .answer(200, body: "ok")])
        let notifier = NotifierTests.notifier(try MattermostEncoder(url: NotifierTests.hook), transport, clock: clock)
        let outcome = await notifier.deliver(Samples.message())
        #expect(outcome.status == .delivered)
        #expect(outcome.attempts == 3)
        #expect(outcome.answer == ReceiverAnswer(status: 200, excerpt: "ok"))
        #expect(clock.sleeps == [0.5, 1.0])
        #expect(transport.httpRequests.allSatisfy { $0.timeout == 5 })
    }

    @Test func aRateLimitHoldsTheWholeChannel() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport([.answer(429, headers: [HTTPHeader("Retry-After", "30")]), .answer(200)])
        let notifier = NotifierTests.notifier(try TeamsEncoder(url: NotifierTests.hook), transport, clock: clock)
        let first = await notifier.deliver(Samples.message())
        #expect(first.status == .delivered && first.attempts == 2)
        #expect(clock.sleeps == [30])
        // The hold has passed by now: the next message goes at once.
        _ = await notifier.deliver(Samples.message())
        #expect(clock.sleeps == [30])
    }

    @Test func aRetryAfterBeyondTheCapIsADeadLetterAtOnce() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport([.answer(429, headers: [HTTPHeader("Retry-After", "3600")])])
        let outcome = await NotifierTests.notifier(try TeamsEncoder(url: NotifierTests.hook), transport, clock: clock).deliver(Samples.message())
        #expect(outcome.status == .deadLettered && outcome.attempts == 1 && outcome.error?.code == .rateLimited)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func everyAttemptOfASignedWebhookIsSignedAfresh() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport([.answer(503), .answer(200)])
        let encoder = try WebhookEncoder(url: NotifierTests.hook, signer: WebhookSigner(secret: Credential("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")))
        let policy = ChannelPolicy(retry: RetryPolicy(maxAttempts: 3, baseDelay: 4))
        _ = await NotifierTests.notifier(encoder, transport, policy: policy, clock: clock).deliver(Samples.message())
        let requests = transport.httpRequests
        try #require(requests.count == 2)
        #expect(requests[0].header("webhook-id") == requests[1].header("webhook-id"))
        #expect(requests[0].header("webhook-timestamp") == "1795000000")
        #expect(requests[1].header("webhook-timestamp") == "1795000002")
        #expect(requests[0].header("webhook-signature") != requests[1].header("webhook-signature"))
    }

    @Test func outcomesAreCounted() async throws {
        let counters = DeliveryCounters()
        let clock = VirtualClock()
        let ok = NotifierTests.notifier(try TeamsEncoder(url: NotifierTests.hook), ScriptedTransport([.answer(200)]), clock: clock, counters: counters)
        let broken = NotifierTests.notifier(try TeamsEncoder(url: NotifierTests.hook), ScriptedTransport([.answer(410)]), clock: clock, counters: counters)
        _ = await ok.deliver(Samples.message())
        _ = await ok.deliver(Samples.message())
        _ = await broken.deliver(Samples.message())
        let snapshot = counters.snapshot()
        #expect(snapshot.outcomes["leads"] == [.delivered: 2, .deadLettered: 1])
        #expect(snapshot.deadLetters(of: "leads") == 1)
        #expect(snapshot.deadLetters["leads"] == [.clientError: 1])
    }

    @Test func healthFollowsTheOutcomes() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport([.answer(500), .answer(500), .answer(500), .answer(500), .answer(500), .answer(500), .answer(200)])
        let notifier = NotifierTests.notifier(try TeamsEncoder(url: NotifierTests.hook), transport, clock: clock)
        var health = ChannelHealth()
        var notices: [ChannelHealth.Notice] = []
        for _ in 0..<3 {
            if let notice = health.record(await notifier.deliver(Samples.message()), at: clock.date()) { notices.append(notice) }
        }
        #expect(notices.count == 2)
        guard case .outageStarted(channel: "leads", reason: .serverError, at: _) = notices.first else {
            Issue.record("expected an outage notice first, got \(notices)")
            return
        }
        guard case .recovered(channel: "leads", since: _, deadLetters: 2, at: _) = notices.last else {
            Issue.record("expected a recovery notice last, got \(notices)")
            return
        }
    }

    // MARK: Email

    static func emailNotifier(_ transport: ScriptedTransport, to: [String] = ["a@example.com", "b@example.com"], clock: VirtualClock = VirtualClock()) throws -> EmailNotifier {
        try EmailNotifier(
            channel: "director", relay: SMTPRelay(url: "smtp://mail.example.com", from: "support@example.com"), to: to,
            transport: transport, policy: Samples.quickPolicy, context: DeliveryContext(clock: clock, random: { 0.5 }))
    }

    @Test func aTemporaryRecipientRefusalIsRetried() async throws {
        let transport = ScriptedTransport([.fail(NotifierTests.failure(.rejectedRecipient, recoverable: true, reply: 450)), .mailAccepted])
        let outcome = try await NotifierTests.emailNotifier(transport, to: ["a@example.com"]).deliver(Samples.message())
        #expect(outcome.status == .delivered)
        #expect(outcome.recipients.map(\.attempts) == [2])
        #expect(transport.mailRequests.allSatisfy { $0.recipient == "a@example.com" && $0.sender == "support@example.com" })
    }

    @Test func badCustomerAddressesAreDeadLettersNotCrashes() async throws {
        let transport = ScriptedTransport([.mailAccepted])
        let outcome = try await NotifierTests.emailNotifier(transport).deliver(Samples.message(recipients: ["ok@acme.example", "not an address"]))
        #expect(outcome.status == .partiallyDelivered)
        #expect(outcome.recipients.map(\.status) == [.delivered, .deadLettered])
        #expect(outcome.recipients[1].error?.code == .invalidMessage)
        #expect(transport.mailRequests.map(\.recipient) == ["ok@acme.example"])
    }

    @Test func noRecipientAtAllIsADeadLetter() async throws {
        let outcome = try await NotifierTests.emailNotifier(ScriptedTransport([.mailAccepted]), to: []).deliver(Samples.message())
        #expect(outcome.status == .deadLettered)
        #expect(outcome.error?.code == .invalidMessage)
        #expect(outcome.attempts == 0)
    }

    @Test func everyRecipientGetsItsOwnTransaction() async throws {
        let transport = ScriptedTransport([.mailAccepted])
        let outcome = try await NotifierTests.emailNotifier(transport, to: ["a@example.com", "b@example.com", "A@example.com"]).deliver(Samples.message())
        #expect(outcome.status == .delivered)
        #expect(transport.mailRequests.map(\.recipient).sorted() == ["a@example.com", "b@example.com"])
        #expect(Set(transport.mailRequests.map(\.message)).count == 1)
    }

    @Test func anInvalidChannelAddressIsRefusedAtSetup() {
        #expect(throws: ChannelSettingsError.self) {
            try NotifierTests.emailNotifier(ScriptedTransport([.mailAccepted]), to: ["director@example.com\r\nBcc: x@y.com"])
        }
    }
}
