import Foundation
import Testing
@testable import Delivery
import Transport

private func failure(_ code: DeliveryError.Code, recoverable: Bool = true, retryAfter: TimeInterval? = nil) -> DeliveryError {
    DeliveryError(code: code, recoverable: recoverable, message: "test", retryAfter: retryAfter)
}

@Suite struct RetryPolicyTests {
    static let policy = RetryPolicy(maxAttempts: 5, baseDelay: 1, maxDelay: 10, maxRetryAfter: 120)

    @Test(arguments: [
        // attempt, failure, random, decision: half the ceiling, plus up to half again by chance
        (1, failure(.serverError), 0.5, RetryPolicy.Decision.retry(after: 0.75)),
        (2, failure(.serverError), 0.5, .retry(after: 1.5)),
        (3, failure(.timeout), 0.5, .retry(after: 3)),
        (4, failure(.connection), 0.999, .retry(after: 7.996)),
        (4, failure(.connection), 0.0, .retry(after: 4)),
        (5, failure(.serverError), 0.5, .giveUp),  // the last attempt
        (1, failure(.clientError, recoverable: false), 0.5, .giveUp),
        (1, failure(.rejectedRecipient, recoverable: false), 0.5, .giveUp),
        (1, failure(.rateLimited, retryAfter: 7), 0.1, .retry(after: 7)),  // Retry-After wins over jitter
        (2, failure(.rateLimited, retryAfter: 0.25), 0.9, .retry(after: 0.25)),
        (1, failure(.rateLimited, retryAfter: 121), 0.5, .giveUp),  // longer than maxRetryAfter
        (1, failure(.rateLimited), 0.5, .retry(after: 0.75)),  // 429 without a wait: backoff
        (5, failure(.rateLimited, retryAfter: 1), 0.5, .giveUp),
    ] as [(Int, DeliveryError, Double, RetryPolicy.Decision)])
    func decisions(attempt: Int, failure: DeliveryError, random: Double, expected: RetryPolicy.Decision) {
        let decision = RetryPolicyTests.policy.decision(afterAttempt: attempt, failure: failure, random: random)
        switch (decision, expected) {
        case (.retry(let actual), .retry(let wanted)):
            #expect(abs(actual - wanted) < 1e-9, "attempt \(attempt): \(actual) != \(wanted)")
        default:
            #expect(decision == expected)
        }
    }

    @Test(arguments: [
        // attempt, failure, random, age of the message, decision
        (1, failure(.serverError), 0.5, 0.0, RetryPolicy.Decision.retry(after: 0.75)),
        (9, failure(.serverError), 0.0, 0.0, .retry(after: 15)),  // capped at 30 s, then jitter
        (40, failure(.serverError), 0.999, 0.0, .retry(after: 29.985)),  // no attempt limit, only age
        (40, failure(.serverError), 0.0, 3584.0, .retry(after: 15)),
        // The next attempt would come after an hour: one last one as the hour ends.
        (40, failure(.serverError), 0.0, 3586.0, .retry(after: 14)),
        (40, failure(.serverError), 0.0, 3600.0, .giveUp),  // an hour old: a dead letter
        (3, failure(.rateLimited, retryAfter: 1800), 0.5, 60.0, .retry(after: 1800)),  // honoured up to an hour
        // A receiver in maintenance asking for two hours: kept, not given up seconds after
        // it was decided; tried as its hour ends.
        (3, failure(.serverError, retryAfter: 7200), 0.5, 0.0, .retry(after: 3600)),
        (3, failure(.rateLimited, retryAfter: 3601), 0.5, 600.0, .retry(after: 3000)),
        (1, failure(.clientError, recoverable: false), 0.5, 0.0, .giveUp),
    ] as [(Int, DeliveryError, Double, Double, RetryPolicy.Decision)])
    func deliveryDefaults(attempt: Int, failure: DeliveryError, random: Double, age: Double, expected: RetryPolicy.Decision) {
        let decision = RetryPolicy.delivery.decision(afterAttempt: attempt, failure: failure, random: random, age: age)
        switch (decision, expected) {
        case (.retry(let actual), .retry(let wanted)):
            #expect(abs(actual - wanted) < 1e-9, "attempt \(attempt): \(actual) != \(wanted)")
        default:
            #expect(decision == expected)
        }
    }

    @Test func ceilingDoublesUpToTheMaximum() {
        let ceilings = (1...8).map { RetryPolicyTests.policy.ceiling(afterAttempt: $0) }
        #expect(ceilings == [1, 2, 4, 8, 10, 10, 10, 10])
    }
}

@Suite struct RetryAfterTests {
    static let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT

    @Test(arguments: [
        ("120", 120.0),
        ("0", 0.0),
        (" 3 ", 3.0),
        ("1.5", 1.5),
        ("-4", 0.0),
        ("Sun, 06 Nov 1994 08:50:07 GMT", 30.0),  // IMF-fixdate
        ("Sunday, 06-Nov-94 08:51:37 GMT", 120.0),  // RFC 850
        ("Sun Nov  6 08:49:47 1994", 10.0),  // asctime
        ("Sun, 06 Nov 1994 08:00:00 GMT", 0.0),  // in the past
    ] as [(String, Double)])
    func parses(header: String, seconds: Double) {
        #expect(RetryAfter.seconds(header: header, now: RetryAfterTests.now) == seconds)
    }

    @Test(arguments: ["soon", "", "Sun, 06 Nov 1994 25:00:00 GMT", "Sun, 32 Foo 1994 08:49:37 GMT", "nan"])
    func rejects(header: String) {
        #expect(RetryAfter.seconds(header: header, now: RetryAfterTests.now) == nil)
    }

    @Test func discordBody() {
        #expect(RetryAfter.seconds(discordBody: Data(#"{"message":"You are being rate limited.","retry_after":64.57,"global":false}"#.utf8)) == 64.57)
        #expect(RetryAfter.seconds(discordBody: Data(#"{"retry_after":2}"#.utf8)) == 2)
        #expect(RetryAfter.seconds(discordBody: Data("not json".utf8)) == nil)
        #expect(RetryAfter.seconds(discordBody: Data(#"{"retry_after":"x"}"#.utf8)) == nil)
    }
}

@Suite struct DeliveryErrorClassificationTests {
    @Test(arguments: [
        (200, nil, false), (204, nil, false), (202, nil, false),
        (500, DeliveryError.Code.serverError, true), (502, .serverError, true), (503, .serverError, true),
        (429, .rateLimited, true), (408, .timeout, true),
        (400, .clientError, false), (401, .clientError, false), (403, .clientError, false), (404, .clientError, false),
        (410, .clientError, false), (413, .clientError, false), (301, .clientError, false),
    ] as [(Int, DeliveryError.Code?, Bool)])
    func statuses(status: Int, code: DeliveryError.Code?, recoverable: Bool) {
        let error = DeliveryError(status: status, host: "hooks.example.com", excerpt: "", retryAfter: nil)
        #expect(error?.code == code)
        if let error {
            #expect(error.recoverable == recoverable)
            #expect(error.message.contains("hooks.example.com"))
            #expect(error.status == status)
        }
    }

    @Test func labelsAreBoundedAndSnakeCase() {
        let labels = DeliveryError.Code.allCases.map(\.rawValue)
        #expect(Set(labels).count == labels.count)
        #expect(labels.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "_" } })
        #expect(labels.contains("client_error") && labels.contains("rate_limited") && labels.contains("rejected_recipient"))
    }
}

@Suite struct TokenBucketTests {
    /// (rate, reservation times) → waits: queued, not dropped.
    @Test(arguments: [
        (SendRate(count: 1, per: 1), [0.0, 0, 0, 0], [0.0, 1, 2, 3]),
        (SendRate(count: 1, per: 1), [0.0, 0.5, 5, 5], [0.0, 0.5, 0, 1]),
        (SendRate(count: 3, per: 3), [0.0, 0, 0, 0, 0], [0.0, 0, 0, 1, 2]),  // burst of 3, then 1/s
        (SendRate(count: 20, per: 60), [0.0, 0, 10], [0.0, 0, 0]),
        (SendRate(count: 2, per: 1), [0.0, 0, 0, 0, 10, 10, 10], [0.0, 0, 0.5, 1, 0, 0, 0.5]),
    ] as [(SendRate, [Double], [Double])])
    func reservations(rate: SendRate, times: [Double], waits: [Double]) {
        var bucket = TokenBucket(rate: rate)
        let actual = times.map { bucket.reserve(at: $0) }
        #expect(zip(actual, waits).allSatisfy { abs($0 - $1) < 1e-9 }, "\(actual) != \(waits)")
    }

    @Test func holdPushesEverySlotPastTheInstant() {
        var bucket = TokenBucket(rate: SendRate(count: 1, per: 1))
        #expect(bucket.reserve(at: 0) == 0)
        bucket.hold(until: 10)
        #expect(bucket.reserve(at: 2) == 8)
        #expect(bucket.reserve(at: 2) == 9)
        #expect(bucket.reserve(at: 20) == 0)
    }

    @Test func limiterQueuesOnTheVirtualClock() async throws {
        let clock = VirtualClock()
        let limiter = RateLimiter(rate: SendRate(count: 1, per: 1), clock: clock)
        for _ in 0..<4 { try await limiter.acquire() }
        // Each acquire after the first waited its second; time moved only by those waits.
        #expect(clock.sleeps == [1, 1, 1])
        limiter.hold(for: 30)
        try await limiter.acquire()
        #expect(clock.sleeps.last == 30)
    }

    @Test func unlimitedLimiterOnlyHolds() async throws {
        let clock = VirtualClock()
        let limiter = RateLimiter(rate: nil, clock: clock)
        for _ in 0..<10 { try await limiter.acquire() }
        #expect(clock.sleeps.isEmpty)
        limiter.hold(for: 2.5)
        try await limiter.acquire()
        #expect(clock.sleeps == [2.5])
    }
}

@Suite struct ChannelHealthTests {
    enum Event { case ok(String), dead(String, DeliveryError.Code) }

    @Test func outageIsReportedOnceAndRecoveryOnce() {
        let t0 = Date(timeIntervalSince1970: 1_000)
        var health = ChannelHealth()
        let script: [(Event, ChannelHealth.Notice?)] = [
            (.ok("slack"), nil),
            (.dead("slack", .serverError), .outageStarted(channel: "slack", reason: .serverError, at: t0.addingTimeInterval(1), givenUp: true)),
            (.dead("slack", .timeout), nil),
            (.dead("slack", .serverError), nil),
            (.dead("teams", .clientError), .outageStarted(channel: "teams", reason: .clientError, at: t0.addingTimeInterval(4), givenUp: true)),
            (.ok("slack"), .recovered(channel: "slack", since: t0.addingTimeInterval(1), deadLetters: 3, at: t0.addingTimeInterval(5))),
            (.ok("slack"), nil),
            (.dead("slack", .connection), .outageStarted(channel: "slack", reason: .connection, at: t0.addingTimeInterval(7), givenUp: true)),
            (.ok("teams"), .recovered(channel: "teams", since: t0.addingTimeInterval(4), deadLetters: 1, at: t0.addingTimeInterval(8))),
        ]
        for (index, (event, expected)) in script.enumerated() {
            let at = t0.addingTimeInterval(Double(index))
            let notice =
                switch event {
                case .ok(let channel): health.record(channel: channel, .succeeded, at: at)
                case .dead(let channel, let code): health.record(channel: channel, .deadLettered(code), at: at)
                }
            #expect(notice == expected, "step \(index)")
        }
        #expect(health.channelsDown == ["slack"])
    }
}
