import Foundation
import SLAEngine
import Testing
@testable import Delivery
import Transport

/// Notifiers over a scripted transport on a virtual clock: no sockets, no sleeping.
@Suite struct NotifierTests {
    static let hook = Secret("https://hooks.example.com/services/T000/B000/XXXXXXXXXXXX")

    static func notifier(
        _ encoder: any ChannelEncoder, _ transport: ScriptedTransport, policy: ChannelPolicy = Samples.quickPolicy,
        clock: VirtualClock
    ) -> HTTPNotifier {
        HTTPNotifier(
            channel: "leads", encoder: encoder, transport: transport, policy: policy,
            context: DeliveryContext(clock: clock, random: { 0.5 }))
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

    @Test func transientFailuresAreRecoverableAndNeverSlept() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport([.fail(NotifierTests.failure(.timeout)), .fail(NotifierTests.failure(.connection)), .answer(200, body: "ok")])
        let notifier = NotifierTests.notifier(try MattermostEncoder(url: NotifierTests.hook), transport, clock: clock)
        let first = await notifier.deliver(Samples.message())
        #expect(first.status == .failed && first.attempts == 1 && first.error?.code == .timeout && first.error?.recoverable == true)
        #expect(await notifier.deliver(Samples.message()).error?.code == .connection)
        let outcome = await notifier.deliver(Samples.message())
        #expect(outcome.status == .delivered)
        #expect(outcome.attempts == 1)
        #expect(outcome.answer == ReceiverAnswer(status: 200, excerpt: "ok"))
        #expect(clock.sleeps.isEmpty)
        #expect(transport.httpRequests.allSatisfy { $0.timeout == 5 })
    }

    @Test func aRateLimitHoldsTheWholeChannel() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport([.answer(429, headers: [HTTPHeader("Retry-After", "30")]), .answer(200)])
        let notifier = NotifierTests.notifier(try TeamsEncoder(url: NotifierTests.hook), transport, clock: clock)
        let first = await notifier.deliver(Samples.message())
        #expect(first.status == .failed && first.error?.retryAfter == 30)
        // The next message of the channel waits out the hold.
        #expect(await notifier.deliver(Samples.message()).status == .delivered)
        #expect(clock.sleeps == [30])
        // The hold has passed by now: the next message goes at once.
        _ = await notifier.deliver(Samples.message())
        #expect(clock.sleeps == [30])
    }

    @Test func everyAttemptOfASignedWebhookIsSignedAfresh() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport([.answer(503), .answer(200)])
        let encoder = try WebhookEncoder(url: NotifierTests.hook, signer: WebhookSigner(secret: Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")))
        let notifier = NotifierTests.notifier(encoder, transport, clock: clock)
        _ = await notifier.deliver(Samples.message())
        clock.advance(by: 2)
        _ = await notifier.deliver(Samples.message())
        let requests = transport.httpRequests
        try #require(requests.count == 2)
        #expect(requests[0].header("webhook-id") == requests[1].header("webhook-id"))
        #expect(requests[0].header("webhook-timestamp") == "1795000000")
        #expect(requests[1].header("webhook-timestamp") == "1795000002")
        #expect(requests[0].header("webhook-signature") != requests[1].header("webhook-signature"))
    }

    @Test func healthFollowsTheAttempts() {
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        var health = ChannelHealth(outageAfter: 60)
        // Failures for less than a minute are no outage; a success in between starts over.
        #expect(health.record(channel: "leads", .failed(.serverError), at: start) == nil)
        #expect(health.record(channel: "leads", .failed(.serverError), at: start + 59) == nil)
        #expect(health.record(channel: "leads", .succeeded, at: start + 60) == nil)
        #expect(health.record(channel: "leads", .failed(.timeout), at: start + 100) == nil)
        #expect(health.record(channel: "leads", .failed(.timeout), at: start + 160)
                == .outageStarted(channel: "leads", reason: .timeout, at: start + 100))
        // Once: more failures and dead letters say nothing, but are counted.
        #expect(health.record(channel: "leads", .failed(.timeout), at: start + 200) == nil)
        #expect(health.record(channel: "leads", .deadLettered(.timeout), at: start + 210) == nil)
        // Another channel is its own; a dead letter starts an outage at once.
        #expect(health.record(channel: "hooks", .deadLettered(.clientError), at: start + 220)
                == .outageStarted(channel: "hooks", reason: .clientError, at: start + 220, givenUp: true))
        #expect(health.record(channel: "leads", .succeeded, at: start + 300)
                == .recovered(channel: "leads", since: start + 100, deadLetters: 1, at: start + 300))
        #expect(health.record(channel: "leads", .succeeded, at: start + 301) == nil)
        // An outage handed in at start (a restart) is not announced again.
        var restarted = ChannelHealth(outages: ["hooks": ChannelOutage(since: start + 220, deadLetters: 1)])
        #expect(restarted.record(channel: "hooks", .deadLettered(.clientError), at: start + 400) == nil)
        #expect(restarted.channelsDown == ["hooks"])
    }

    // MARK: Email

    static func emailNotifier(_ transport: ScriptedTransport, to: [String] = ["a@example.com", "b@example.com"], clock: VirtualClock = VirtualClock()) throws -> EmailNotifier {
        try EmailNotifier(
            channel: "director", relay: SMTPRelay(url: "smtp://mail.example.com", from: "support@example.com"), to: to,
            transport: transport, policy: Samples.quickPolicy, context: DeliveryContext(clock: clock, random: { 0.5 }))
    }

    @Test func aTemporaryRecipientRefusalIsARecoverableFailure() async throws {
        let transport = ScriptedTransport([.fail(NotifierTests.failure(.rejectedRecipient, recoverable: true, reply: 450)), .mailAccepted])
        let notifier = try NotifierTests.emailNotifier(transport, to: ["a@example.com"])
        let refused = await notifier.deliver(Samples.message())
        #expect(refused.status == .failed && refused.error?.recoverable == true)
        let outcome = await notifier.deliver(Samples.message())
        #expect(outcome.status == .delivered)
        #expect(outcome.recipients.map(\.attempts) == [1])
        #expect(transport.mailRequests.allSatisfy { $0.recipient == "a@example.com" && $0.sender == "support@example.com" })
    }

    @Test func badCustomerAddressesAreDeadLettersNotCrashes() async throws {
        let transport = ScriptedTransport([.mailAccepted])
        let outcome = try await NotifierTests.emailNotifier(transport).deliver(Samples.message(recipients: ["ok@acme.example", "not an address"]))
        #expect(outcome.status == .partiallyDelivered)
        #expect(outcome.recipients.map(\.status) == [.delivered, .failed])
        #expect(outcome.recipients[1].error?.code == .invalidMessage)
        #expect(transport.mailRequests.map(\.recipient) == ["ok@acme.example"])
        // Its own fault, not the channel's: no outage is made of it.
        #expect(outcome.recipients[1].error?.isMessageOnly == true)
        let alone = try await NotifierTests.emailNotifier(transport).deliver(Samples.message(recipients: ["not-an-email"]))
        #expect(alone.status == .failed && alone.error?.isMessageOnly == true)
    }

    @Test func noRecipientAtAllIsADeadLetter() async throws {
        let outcome = try await NotifierTests.emailNotifier(ScriptedTransport([.mailAccepted]), to: []).deliver(Samples.message())
        #expect(outcome.status == .failed)
        #expect(outcome.error?.code == .invalidMessage)
        // A channel with no recipient is the channel's fault.
        #expect(outcome.error?.isMessageOnly == false)
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
