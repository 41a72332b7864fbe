public import SLAEngine
public import Transport

/// Delivers to a chat or webhook channel: the channel's encoder, the HTTP transport and the
/// channel's rate limiter in one. One attempt per call; the outbox dispatcher retries.
///
/// Each attempt is encoded afresh (a signed webhook gets a fresh timestamp and signature),
/// waits for its slot in the rate limiter, and is classified: 2xx delivers; 429, 408, 5xx,
/// timeouts and connection failures fail recoverably, with the receiver's `Retry-After`
/// (Discord: JSON `retry_after`) in the error, and a 429 holds every later message of the
/// channel too; anything else fails for good. The outcome carries the receiver's answer
/// with the webhook's secrets blanked.
public struct HTTPNotifier: Notifier {
    public let channel: String
    public let encoder: any ChannelEncoder
    private let transport: any HTTPTransport
    private let policy: ChannelPolicy
    private let limiter: RateLimiter
    private let context: DeliveryContext

    public var kind: ChannelKind { encoder.kind }

    public init(
        channel: String, encoder: any ChannelEncoder, transport: any HTTPTransport, policy: ChannelPolicy = ChannelPolicy(),
        context: DeliveryContext = .system
    ) {
        self.channel = channel
        self.encoder = encoder
        self.transport = transport
        self.policy = policy
        self.context = context
        limiter = RateLimiter(rate: policy.rateLimit ?? encoder.kind.defaultRate, clock: context.clock)
    }

    public func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        let result = await SingleAttempt(limiter: limiter).run { try await attempt(message) }
        let outcome = DeliveryOutcome(
            key: message.key, channel: channel, kind: kind, status: result.status, attempts: result.attempts,
            answer: result.answer, error: result.error)
        return outcome
    }

    private func attempt(_ message: OutboundMessage) async throws -> SingleAttempt.Attempt {
        var request: HTTPRequest
        do {
            request = try encoder.request(for: message, at: context.clock.date())
        } catch let error as DeliveryError {
            return .failure(error, nil)
        } catch {
            return .failure(
                DeliveryError(code: .invalidMessage, recoverable: false, message: "the \(kind.rawValue) message could not be encoded"),
                nil)
        }
        request.timeout = policy.timeout
        // Worked out only for an answer long enough to hold a secret, or an error.
        let redaction = { [encoder, request] in Redaction(url: request.url, headers: request.headers, extra: encoder.secrets) }
        do {
            let response = try await transport.send(request)
            let answer = ReceiverAnswer(status: response.status, excerpt: ReceiverAnswer.excerpt(of: response.body, redaction: redaction))
            // A 2xx is delivered: no wait to read from it.
            guard !(200..<300).contains(response.status),
                let failure = DeliveryError(
                    status: response.status, host: request.host, excerpt: answer.excerpt,
                    retryAfter: encoder.retryAfter(in: response, now: context.clock.date()))
            else { return .success(answer) }
            return .failure(failure, answer)
        } catch let error as TransportError {
            var failure = DeliveryError(error)
            failure.message = redaction().apply(failure.message)
            return .failure(failure, nil)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            return .failure(
                DeliveryError(code: .protocolError, recoverable: true, message: "sending to \(request.host) failed unexpectedly"),
                nil)
        }
    }
}
