/// The attempt loop every notifier shares: wait for the rate limiter, try, classify, and
/// either finish or sleep the backoff and try again.
struct RetryLoop: Sendable {
    enum Attempt: Sendable {
        case success(ReceiverAnswer?)
        case failure(DeliveryError, ReceiverAnswer?)
    }

    struct Result: Sendable {
        var status: DeliveryOutcome.Status
        var attempts: Int
        var answer: ReceiverAnswer?
        var error: DeliveryError?
    }

    let policy: RetryPolicy
    let limiter: RateLimiter
    let context: DeliveryContext

    /// Runs `attempt` until it succeeds, the policy gives up, or the task is cancelled.
    /// `attempt` throws only `CancellationError`.
    func run(_ attempt: (Int) async throws -> Attempt) async -> Result {
        var count = 0
        var answer: ReceiverAnswer?
        var lastError: DeliveryError?
        while true {
            do {
                try await limiter.acquire()
            } catch {
                return Result(status: .cancelled, attempts: count, answer: answer, error: lastError)
            }
            count += 1
            let outcome: Attempt
            do {
                outcome = try await attempt(count)
            } catch {
                return Result(status: .cancelled, attempts: count, answer: answer, error: lastError)
            }
            switch outcome {
            case .success(let reply):
                return Result(status: .delivered, attempts: count, answer: reply ?? answer, error: nil)
            case .failure(let error, let reply):
                lastError = error
                if let reply { answer = reply }
                if error.code == .rateLimited, let wait = error.retryAfter, wait <= policy.maxRetryAfter {
                    limiter.hold(for: wait)
                }
                switch policy.decision(afterAttempt: count, failure: error, random: context.random()) {
                case .giveUp:
                    return Result(status: .deadLettered, attempts: count, answer: answer, error: error)
                case .retry(let delay):
                    do {
                        try await context.clock.sleep(for: delay)
                    } catch {
                        return Result(status: .cancelled, attempts: count, answer: answer, error: lastError)
                    }
                }
            }
        }
    }
}
