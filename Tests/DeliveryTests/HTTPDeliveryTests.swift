import Crypto
import Foundation
import SLAEngine
import Synchronization
import Testing
@testable import Delivery
import Transport

/// Deliveries through the real curl transport to the Python receiver on loopback.
@Suite struct HTTPDeliveryTests {
    static func notifier(
        _ encoder: any ChannelEncoder, transport: CurlTransport? = nil, policy: ChannelPolicy = Samples.quickPolicy,
        clock: VirtualClock = VirtualClock()
    ) throws -> HTTPNotifier {
        HTTPNotifier(
            channel: "test", encoder: encoder, transport: try transport ?? CurlTransport(), policy: policy,
            context: DeliveryContext(clock: clock, random: { 0.5 }))
    }

    /// Each encoder's request arrives with the body shape its service expects.
    @Test(arguments: InjectionTests.kinds)
    func everyEncoderArrivesIntact(kind: ChannelKind) async throws {
        let receiver = try await HTTPReceiver.shared()
        let (token, url) = receiver.endpoint("ok")
        let encoder: any ChannelEncoder =
            switch kind {
            case .slack: try SlackEncoder(url: Secret(url))
            case .teams: try TeamsEncoder(url: Secret(url))
            case .googleChat: try GoogleChatEncoder(url: Secret(url))
            case .discord: try DiscordEncoder(url: Secret(url))
            case .mattermost: try MattermostEncoder(url: Secret(url))
            default:
                try WebhookEncoder(
                    url: Secret(url), signer: WebhookSigner(secret: Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")),
                    headers: ["X-Api-Key": Secret("k-123456")])
            }
        // Slack's default 1/s limit must not slow this test: the clock is virtual.
        let outcome = try await HTTPDeliveryTests.notifier(encoder).deliver(Samples.message())
        #expect(outcome.status == .delivered, "\(outcome)")
        #expect(outcome.answer == ReceiverAnswer(status: 200, excerpt: "ok"))
        let records = try await receiver.records(token)
        try #require(records.count == 1)
        let request = records[0]
        #expect(request.method == "POST")
        #expect(request.header("Content-Type") == "application/json; charset=utf-8")
        #expect(request.header("User-Agent") == "slawatch")
        #expect(request.header("Expect") == nil)
        let json = try request.json()
        #expect(Set(json.keys) == InjectionTests.topLevelKeys[kind]!.union(kind == .googleChat ? ["thread"] : []))
        switch kind {
        case .slack:
            #expect((json["blocks"] as? [Any])?.count == 4)
        case .teams:
            #expect(json[path: "attachments.0.content.type"] as? String == "AdaptiveCard")
        case .googleChat:
            #expect(request.query == "messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD")
            #expect(json[path: "thread.threadKey"] as? String == "T-1042")
        case .discord:
            #expect((json[path: "allowed_mentions.parse"] as? [Any])?.isEmpty == true)
        case .mattermost:
            #expect((json["text"] as? String)?.hasPrefix("**SLA warning") == true)
        default:
            #expect(request.header("webhook-id") == "T-1042/first_response/1/75%")
            #expect(request.header("X-Api-Key") == "k-123456")
            let timestamp = try #require(request.header("webhook-timestamp"))
            let key = try #require(Data(base64Encoded: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
            let mac = HMAC<SHA256>.authenticationCode(
                for: Array("T-1042/first_response/1/75%.\(timestamp).\(request.body)".utf8), using: SymmetricKey(data: key))
            #expect(request.header("webhook-signature") == "v1," + Data(mac).base64EncodedString())
        }
    }

    @Test func oneAttemptPerCallThenDelivered() async throws {
        let receiver = try await HTTPReceiver.shared()
        let (token, url) = receiver.endpoint("script/500,503,200")
        let clock = VirtualClock()
        let notifier = try HTTPDeliveryTests.notifier(try MattermostEncoder(url: Secret(url)), clock: clock)
        let first = await notifier.deliver(Samples.message())
        #expect(first.status == .failed && first.attempts == 1 && first.error?.code == .serverError && first.error?.recoverable == true)
        #expect(await notifier.deliver(Samples.message()).error?.status == 503)
        #expect(await notifier.deliver(Samples.message()).status == .delivered)
        // The notifier never sleeps a backoff: retrying is the dispatcher's.
        #expect(clock.sleeps.isEmpty)
        #expect(try await receiver.records(token).count == 3)
    }

    @Test func aServerErrorIsARecoverableFailure() async throws {
        let receiver = try await HTTPReceiver.shared()
        let (token, url) = receiver.endpoint("status/500")
        let outcome = try await HTTPDeliveryTests.notifier(try SlackEncoder(url: Secret(url))).deliver(Samples.message())
        #expect(outcome.status == .failed)
        #expect(outcome.attempts == 1)
        #expect(outcome.error?.code == .serverError)
        #expect(outcome.error?.message.contains("127.0.0.1 answered 500") == true)
        #expect(outcome.answer?.status == 500)
        #expect(try await receiver.records(token).count == 1)
    }

    @Test func tooManyRequestsCarriesRetryAfterAndHoldsTheChannel() async throws {
        let receiver = try await HTTPReceiver.shared()
        let (_, url) = receiver.endpoint("script/429,200")
        let clock = VirtualClock()
        let notifier = try HTTPDeliveryTests.notifier(try TeamsEncoder(url: Secret(url)), clock: clock)
        let limited = await notifier.deliver(Samples.message())
        #expect(limited.status == .failed && limited.error?.code == .rateLimited)
        #expect(limited.error?.retryAfter == 7)  // the receiver's Retry-After: 7
        #expect(await notifier.deliver(Samples.message()).status == .delivered)
        #expect(clock.sleeps == [7])  // the next message waited out the hold
    }

    @Test func discordRetryAfterComesFromTheBody() async throws {
        let receiver = try await HTTPReceiver.shared()
        let (_, url) = receiver.endpoint("discord429")
        let outcome = try await HTTPDeliveryTests.notifier(try DiscordEncoder(url: Secret(url))).deliver(Samples.message())
        #expect(outcome.status == .failed)
        #expect(outcome.error?.code == .rateLimited)
        #expect(outcome.error?.retryAfter == 1.5)
    }

    @Test func aClientErrorIsNotRecoverable() async throws {
        let receiver = try await HTTPReceiver.shared()
        let (token, url) = receiver.endpoint("gone")
        let outcome = try await HTTPDeliveryTests.notifier(try SlackEncoder(url: Secret(url))).deliver(Samples.message())
        #expect(outcome.status == .failed)
        #expect(outcome.attempts == 1)
        #expect(outcome.error?.code == .clientError)
        #expect(outcome.error?.recoverable == false)
        #expect(outcome.answer == ReceiverAnswer(status: 404, excerpt: "no_service"))
        #expect(try await receiver.records(token).count == 1)
    }

    @Test func aHangingReceiverTimesOut() async throws {
        let receiver = try await HTTPReceiver.shared()
        let (_, url) = receiver.endpoint("hang?seconds=5")
        let policy = ChannelPolicy(timeout: 0.3)
        let started = ContinuousClock.now
        let outcome = try await HTTPDeliveryTests.notifier(try MattermostEncoder(url: Secret(url)), policy: policy)
            .deliver(Samples.message())
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(outcome.status == .failed)
        #expect(outcome.attempts == 1)
        #expect(outcome.error?.code == .timeout)
        #expect(outcome.error?.recoverable == true)
    }

    @Test func aClosedConnectionIsAConnectionFailure() async throws {
        let receiver = try await HTTPReceiver.shared()
        let (_, url) = receiver.endpoint("close")
        let outcome = try await HTTPDeliveryTests.notifier(try MattermostEncoder(url: Secret(url))).deliver(Samples.message())
        #expect(outcome.status == .failed)
        #expect(outcome.error?.code == .connection)
        #expect(outcome.attempts == 1)
    }

    @Test func aRefusedConnectionIsAConnectionFailure() async throws {
        // Port 9 (discard) is closed on loopback.
        let outcome = try await HTTPDeliveryTests.notifier(try MattermostEncoder(url: Secret("http://127.0.0.1:9/hooks/abcdef123456")))
            .deliver(Samples.message())
        #expect(outcome.error?.code == .connection)
        #expect(outcome.error?.message.contains("127.0.0.1") == true)
        #expect(outcome.error?.message.contains("abcdef123456") == false)
    }

    /// Sequential requests reuse one keep-alive connection.
    @Test func connectionsAreReused() async throws {
        let receiver = try await HTTPReceiver.shared()
        let (token, url) = receiver.endpoint("ok")
        let transport = try CurlTransport()
        for _ in 0..<5 {
            let response = try await transport.send(HTTPRequest(method: .post, url: Secret(url), body: Data("{}".utf8)))
            #expect(response.status == 200)
        }
        let ports = Set(try await receiver.records(token).map(\.client_port))
        #expect(ports.count == 1)
    }

    /// Twelve concurrent slow requests share at most the per-host cap of connections.
    @Test func connectionsPerHostAreCapped() async throws {
        let receiver = try await HTTPReceiver.shared()
        let (token, url) = receiver.endpoint("slow?ms=150")
        let transport = try CurlTransport(settings: TransportSettings(maxConnectionsPerHost: 2))
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<12 {
                group.addTask { try await transport.send(HTTPRequest(method: .get, url: Secret(url))).status }
            }
            for try await status in group { #expect(status == 200) }
        }
        let records = try await receiver.records(token)
        #expect(records.count == 12)
        #expect(Set(records.map(\.client_port)).count <= 2)
    }

    /// Cancelling the caller takes the exchange off the multi handle at once.
    @Test func cancellationAbortsTheExchange() async throws {
        let receiver = try await HTTPReceiver.shared()
        let (token, url) = receiver.endpoint("hang?seconds=5")
        let transport = try CurlTransport()
        let started = ContinuousClock.now
        let task = Task {
            try await transport.send(HTTPRequest(method: .get, url: Secret(url), timeout: 30))
        }
        try await receiver.waitForRequest(token)
        task.cancel()
        let result = await task.result
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(throws: CancellationError.self) { try result.get() }
        // The transport still works afterwards.
        let (_, okURL) = receiver.endpoint("ok")
        #expect(try await transport.send(HTTPRequest(method: .get, url: Secret(okURL))).status == 200)
    }

    @Test func aNotifierCancelledMidwayReportsCancelled() async throws {
        let receiver = try await HTTPReceiver.shared()
        let (token, url) = receiver.endpoint("hang?seconds=5")
        let notifier = try HTTPDeliveryTests.notifier(try MattermostEncoder(url: Secret(url)), policy: ChannelPolicy(timeout: 30))
        let task = Task { await notifier.deliver(Samples.message()) }
        try await receiver.waitForRequest(token)
        task.cancel()
        let outcome = await task.value
        #expect(outcome.status == .cancelled)
    }

    @Test func aTransportThatIsShutDownFailsAtOnce() async throws {
        let receiver = try await HTTPReceiver.shared()
        let (_, url) = receiver.endpoint("ok")
        let transport = try CurlTransport()
        transport.shutdown()
        await #expect {
            try await transport.send(HTTPRequest(method: .get, url: Secret(url)))
        } throws: { error in
            (error as? TransportError)?.code == .shutdown
        }
    }

    @Test func headersWithLineBreaksNeverReachTheWire() async throws {
        let receiver = try await HTTPReceiver.shared()
        let (token, url) = receiver.endpoint("ok")
        let transport = try CurlTransport()
        await #expect {
            try await transport.send(HTTPRequest(method: .get, url: Secret(url), headers: [HTTPHeader("X-A", "b\r\nX-Evil: 1")]))
        } throws: { error in
            (error as? TransportError)?.code == .invalidRequest
        }
        #expect(try await receiver.records(token).isEmpty)
    }

    @Test func onlyHTTPSchemesAreSentAsHTTP() async throws {
        let transport = try CurlTransport()
        for url in ["file:///etc/passwd", "smtp://127.0.0.1:25/", "gopher://127.0.0.1/"] {
            await #expect {
                try await transport.send(HTTPRequest(method: .get, url: Secret(url)))
            } throws: { error in
                (error as? TransportError)?.code == .invalidRequest
            }
        }
    }

    /// With a proxy configured, requests go through it: the receiver plays the proxy for a
    /// host that does not even resolve.
    @Test func requestsGoThroughTheConfiguredProxy() async throws {
        let receiver = try await HTTPReceiver.shared()
        let (token, _) = receiver.endpoint("ok")
        let transport = try CurlTransport(settings: TransportSettings(proxy: Secret("http://127.0.0.1:\(receiver.port)")))
        let response = try await transport.send(
            HTTPRequest(method: .post, url: Secret("http://hooks.slawatch-proxy-test.invalid/\(token)/ok"), body: Data("{}".utf8)))
        #expect(response.status == 200)
        let records = try await receiver.records(token)
        #expect(records.count == 1)
        #expect(records.first?.header("Host") == "hooks.slawatch-proxy-test.invalid")
    }

    @Test func largeResponsesAreTruncatedNotFailed() async throws {
        let receiver = try await HTTPReceiver.shared()
        let (token, url) = receiver.endpoint("ok")
        _ = try await receiver.transport.send(HTTPRequest(method: .get, url: Secret(url)))
        let transport = try CurlTransport()
        let response = try await transport.send(
            HTTPRequest(method: .get, url: Secret("http://127.0.0.1:\(receiver.port)/_records/\(token)"), maxResponseBytes: 10))
        #expect(response.status == 200)
        #expect(response.body.count == 10)
        #expect(response.bodyTruncated)
    }
}
