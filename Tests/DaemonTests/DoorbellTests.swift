import Foundation
import Testing
@testable import Daemon

/// The doorbell the dispatcher and the tick loop wait on: a ring is kept for the next wait,
/// rings do not add up, and a wait ends at its time without one.
@Suite struct DoorbellTests {
    @Test func aRingKeptFromBeforeEndsTheNextWaitAtOnce() async {
        let bell = Doorbell()
        bell.ring()
        let start = ContinuousClock.now
        await bell.wait(atMost: 60)
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func ringsDoNotAddUp() async {
        let bell = Doorbell()
        bell.ring()
        bell.ring()
        await bell.wait(atMost: 60)
        let start = ContinuousClock.now
        await bell.wait(atMost: 0.3)
        #expect(ContinuousClock.now - start >= .milliseconds(300))
    }

    @Test func aRingDuringAWaitEndsIt() async {
        let bell = Doorbell()
        let start = ContinuousClock.now
        async let waited: Void = bell.wait(atMost: 60)
        try? await Task.sleep(for: .milliseconds(100))
        bell.ring()
        await waited
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    /// The timer of a wait that a ring ended never rings for the next wait.
    @Test func anEndedWaitsTimerDoesNotRingForTheNext() async {
        let bell = Doorbell()
        async let first: Void = bell.wait(atMost: 0.2)
        try? await Task.sleep(for: .milliseconds(50))
        bell.ring()
        await first
        let start = ContinuousClock.now
        await bell.wait(atMost: 0.6)
        #expect(ContinuousClock.now - start >= .milliseconds(600))
    }

    @Test func aCancelledWaitEnds() async {
        let bell = Doorbell()
        let waiting = Task { await bell.wait(atMost: 60) }
        try? await Task.sleep(for: .milliseconds(50))
        let start = ContinuousClock.now
        waiting.cancel()
        await waiting.value
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
