import Foundation
import Testing
@testable import StateStore

/// `withDeadline` with progress: the limit runs from the body's last mark.
@Suite struct DeadlineTests {
    struct TimedOut: Error {}

    @Test func anAnswerThatKeepsComingIsReadPastTheLimit() async throws {
        let progress = DeadlineProgress()
        let marks = try await withDeadline(.milliseconds(150), progress: progress, onTimeout: { TimedOut() }) {
            for mark in 1...20 {
                try await Task.sleep(for: .milliseconds(30))
                progress.mark()
                if mark == 20 { return mark }
            }
            return 0
        }
        #expect(marks == 20)
    }

    @Test func anAnswerThatStopsIsGivenUpALimitAfterItsLastMark() async throws {
        let progress = DeadlineProgress()
        let started = ContinuousClock.now
        await #expect(throws: TimedOut.self) {
            try await withDeadline(.milliseconds(150), progress: progress, onTimeout: { TimedOut() }) {
                for _ in 1...5 {
                    try await Task.sleep(for: .milliseconds(30))
                    progress.mark()
                }
                try await Task.sleep(for: .seconds(30))
            }
        }
        // Five marks (about 0.15 s), then the limit: given up long before the body's 30 s.
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func withoutProgressTheLimitRunsFromTheStart() async throws {
        let started = ContinuousClock.now
        await #expect(throws: TimedOut.self) {
            try await withDeadline(.milliseconds(150), onTimeout: { TimedOut() }) {
                try await Task.sleep(for: .seconds(30))
            }
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
