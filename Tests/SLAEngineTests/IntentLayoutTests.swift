import Foundation
import Testing
@testable import SLAEngine

/// A large tick holds hundreds of thousands of intents: they stay small, and the hold and
/// silencing kept apart still read, change and compare as values.
@Suite struct IntentLayoutTests {
    @Test func anIntentTakes128Bytes() {
        #expect(MemoryLayout<Intent>.stride == 128)
    }

    @Test func holdAndSilencingAreValues() {
        let plain = Intent(ticketID: "T-1", source: "desk", metric: .firstResponse, cycle: 1, step: "breach", kind: .breach, channel: "ops")
        var held = plain
        let hold = ClockHold(kind: .ack, by: "dana", at: Date(timeIntervalSince1970: 100), until: Date(timeIntervalSince1970: 200))
        held.hold = hold
        #expect(held.hold == hold)
        #expect(plain.hold == nil)
        #expect(held != plain)
        let silence = Silence(
            id: "s1", matchers: [:], mutesBreaches: true, reason: "outage", createdBy: nil,
            startsAt: Date(timeIntervalSince1970: 0), endsAt: Date(timeIntervalSince1970: 300))
        var both = held
        both.silencing = .muted(silence)
        #expect(both.hold == hold)
        #expect(both.isMuted)
        #expect(!held.isMuted)
        var again = plain
        again.silencing = .muted(silence)
        again.hold = hold
        #expect(again == both)
        #expect(Set([again, both]).count == 1)
        again.hold = nil
        again.silencing = nil
        #expect(again == plain)
    }
}
