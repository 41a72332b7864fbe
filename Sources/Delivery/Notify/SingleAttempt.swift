/// The one attempt a notifier makes per call: wait for the channel's rate limiter, try,
/// classify. Retrying is the outbox dispatcher's alone, so a notifier never sleeps a backoff.
///
/// A 429 that says how long to wait holds the whole channel's limiter that long, so the
/// messages behind it wait too instead of hammering a receiver that asked for a pause.
struct SingleAttempt: Sendable {
    enum Attempt: Sendable {
        case success(ReceiverAnswer?)
        case failure(DeliveryError, ReceiverAnswer?)
    }

    struct Result: Sendable {
        var status: DeliveryOutcome.Status
        /// 1, or 0 when cancelled before the attempt began.
        var attempts: Int
        var answer: ReceiverAnswer?
        var error: DeliveryError?
    }

    let limiter: RateLimiter
    /// The longest `Retry-After` that holds the channel's limiter, in seconds.
    var maxHold: Double = 3600

    /// Runs `attempt` once its slot comes; `attempt` throws only `CancellationError`.
    func run(_ attempt: () async throws -> Attempt) async -> Result {
        do {
            try await limiter.acquire()
        } catch {
            return Result(status: .cancelled, attempts: 0)
        }
        let outcome: Attempt
        do {
            outcome = try await attempt()
        } catch {
            return Result(status: .cancelled, attempts: 1)
        }
        switch outcome {
        case .success(let reply):
            return Result(status: .delivered, attempts: 1, answer: reply)
        case .failure(let error, let reply):
            if error.code == .rateLimited, let wait = error.retryAfter, wait <= maxHold {
                limiter.hold(for: wait)
            }
            return Result(status: .failed, attempts: 1, answer: reply, error: error)
        }
    }
}
