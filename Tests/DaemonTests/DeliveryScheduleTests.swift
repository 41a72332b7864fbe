import Delivery
import Foundation
import SLAEngine
import StateStore
import Testing
@testable import Daemon

/// The dispatcher's lanes and retry schedule, pure: instants are arguments, nothing sleeps.
@Suite struct DeliveryScheduleTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    static func message(_ key: String, _ channel: String, createdAt: Date = t0) -> OutboundMessage {
        OutboundMessage(key: key, channel: channel, audience: .team, isUrgent: false, subject: key, text: key, createdAt: createdAt)
    }

    static func outcome(_ entry: DeliverySchedule.Entry, _ status: DeliveryOutcome.Status, _ error: DeliveryError? = nil) -> DeliveryOutcome {
        DeliveryOutcome(key: entry.key, channel: entry.channel, kind: .webhook, status: status, attempts: 1, error: error)
    }

    static let unavailable = DeliveryError(code: .serverError, recoverable: true, message: "503", status: 503)

    /// A message a commit put in the outbox new is taken claimed for its first attempt only:
    /// released, retried or resumed, it is claimed again.
    @Test func onlyAFirstAttemptAtANewMessageGoesUnclaimed() {
        var schedule = DeliverySchedule(limits: ["hooks": 8])
        schedule.add([Self.message("new", "hooks"), Self.message("released", "hooks")], due: Self.t0, claimed: true)
        schedule.add([Self.message("known", "hooks")], due: Self.t0)
        let first = schedule.take(now: Self.t0)
        #expect(first.map(\.key) == ["new", "released", "known"])
        #expect(first.map(\.isClaimed) == [true, true, false])
        schedule.release(first[1], due: Self.t0)
        _ = schedule.finish(first[0], Self.outcome(first[0], .failed, Self.unavailable), at: Self.t0, random: 0.5)
        _ = schedule.finish(first[2], Self.outcome(first[2], .delivered), at: Self.t0, random: 0.5)
        let again = schedule.take(now: Self.t0 + 3600)
        #expect(Set(again.map(\.key)) == ["new", "released"])
        #expect(again.allSatisfy { !$0.isClaimed })
    }

    @Test func aDeadLaneNeverDelaysAnother() {
        var schedule = DeliverySchedule(limits: ["hooks": 8, "leads": 4])
        for n in 0..<300 { schedule.add(Self.message("h\(n)", "hooks"), due: Self.t0) }
        for n in 0..<3 { schedule.add(Self.message("l\(n)", "leads"), due: Self.t0) }
        var now = Self.t0
        var leadsDelivered: [String: Date] = [:]
        // Ten seconds of a receiver that answers 503 to everything, in steps of 100 ms.
        for _ in 0..<100 {
            for entry in schedule.take(now: now) {
                let failing = entry.channel == "hooks"
                let finished = schedule.finish(
                    entry, Self.outcome(entry, failing ? .failed : .delivered, failing ? Self.unavailable : nil), at: now, random: 0.5)
                if !failing { leadsDelivered[entry.key] = now }
                if failing, case .retry(let at) = finished.result { #expect(at > now) }
            }
            #expect(schedule.inFlight("hooks") <= 8)
            now += 0.1
        }
        // Each `leads` message went in the first take after it was due: one at a time, at once.
        #expect(leadsDelivered.keys.sorted() == ["l0", "l1", "l2"])
        #expect(leadsDelivered.values.allSatisfy { $0 == Self.t0 })
        #expect(schedule.waiting == 300)  // every hooks message still owed, none lost
    }

    @Test func aSlowLaneHoldsOnlyItsOwnSlots() {
        var schedule = DeliverySchedule(limits: ["hooks": 4])
        for n in 0..<10 { schedule.add(Self.message("h\(n)", "hooks"), due: Self.t0) }
        schedule.add(Self.message("l0", "leads"), due: Self.t0)
        let first = schedule.take(now: Self.t0)
        #expect(first.filter { $0.channel == "hooks" }.count == 4)
        #expect(first.contains { $0.key == "l0" })
        // Nothing of hooks ends (it hangs); a new leads message still goes at once.
        schedule.add(Self.message("l1", "leads"), due: Self.t0 + 1)
        #expect(schedule.take(now: Self.t0 + 1).map(\.key) == ["l1"])
        // The next due instant is never one of the full lane's.
        #expect(schedule.nextDue() == nil)
    }

    @Test func aLaneWhoseReceiverKeepsUpTakesMoreInFlightUntilAnAttemptFails() {
        var schedule = DeliverySchedule(limits: ["hooks": 4])
        schedule.keepingUpLimits = ["hooks": 8]
        for n in 0..<100 { schedule.add(Self.message("h\(n)", "hooks"), due: Self.t0) }
        // A lane not yet heard from: its bound.
        let first = schedule.take(now: Self.t0)
        #expect(first.count == 4)
        for entry in first { _ = schedule.finish(entry, Self.outcome(entry, .delivered), at: Self.t0, random: 0.5) }
        // As many successes in a row as its bound: the lane takes up to its keeping-up bound.
        let second = schedule.take(now: Self.t0)
        #expect(second.count == 8)
        #expect(schedule.nextDue() == nil)
        for entry in second.dropLast() { _ = schedule.finish(entry, Self.outcome(entry, .delivered), at: Self.t0, random: 0.5) }
        #expect(schedule.take(now: Self.t0).count == 7)
        // One failure: back to the bound, until it has kept up again.
        _ = schedule.finish(second.last!, Self.outcome(second.last!, .failed, Self.unavailable), at: Self.t0, random: 0.5)
        #expect(schedule.inFlight("hooks") == 7)
        #expect(schedule.take(now: Self.t0).isEmpty)
    }

    @Test func retryAfterIsHonouredToTheSecond() {
        var schedule = DeliverySchedule()
        schedule.add(Self.message("m", "hooks"), due: Self.t0)
        let entry = schedule.take(now: Self.t0)[0]
        let limited = DeliveryError(code: .rateLimited, recoverable: true, message: "429", status: 429, retryAfter: 7)
        let finished = schedule.finish(entry, Self.outcome(entry, .failed, limited), at: Self.t0, random: 0.9)
        #expect(finished.result == .retry(at: Self.t0 + 7))
        #expect(finished.record == AttemptRecord(key: "m", at: Self.t0, result: .retry(at: Self.t0 + 7, reason: "rate_limited", detail: limited.description)))
        #expect(schedule.take(now: Self.t0 + 6.999).isEmpty)
        #expect(schedule.nextDue() == Self.t0 + 7)
        let again = schedule.take(now: Self.t0 + 7)
        #expect(again.map(\.attempts) == [1])
    }

    @Test func backoffIsCappedAndAMessageDiesAfterTheMaximumAge() {
        var schedule = DeliverySchedule()
        schedule.add(Self.message("m", "hooks"), due: Self.t0)
        var now = Self.t0
        var delays: [Double] = []
        var last: DeliverySchedule.Finished?
        var notices: [ChannelHealth.Notice] = []
        while let entry = schedule.take(now: now).first {
            last = schedule.finish(entry, Self.outcome(entry, .failed, Self.unavailable), at: now, random: 0.5)
            if let notice = last?.notice { notices.append(notice) }
            guard case .retry(let at) = last!.result else { break }
            delays.append(at.timeIntervalSince(now))
            now = at
        }
        // 0.75, 1.5, 3, 6, 12, then 22.5 (30 × 0.75) until an hour has passed, the last
        // wait cut to end as the hour does. The lane, probing its dead receiver, is held past
        // that, so the hour's end makes the message a dead letter.
        #expect(Array(delays.prefix(6)) == [0.75, 1.5, 3, 6, 12, 22.5])
        #expect(delays.dropFirst(5).dropLast().allSatisfy { $0 == 22.5 })
        #expect(delays.last.map { $0 > 0 && $0 <= 22.5 } == true)
        #expect(last?.result == .retry(at: Self.t0 + 3600))
        let expired = schedule.expire(now: Self.t0 + 3601)
        #expect(expired.map(\.finished.result) == [.dead])
        // Failing for a minute made an outage, which ops hear of once, dated from the first failure.
        #expect(notices == [.outageStarted(channel: "hooks", reason: .serverError, at: Self.t0)])
        #expect(schedule.waiting == 0 && schedule.inFlight == 0)
    }

    @Test func aClientErrorIsADeadLetterAtOnceAndAnUnknownChannelToo() {
        var schedule = DeliverySchedule()
        schedule.add(Self.message("m", "hooks"), due: Self.t0)
        schedule.add(Self.message("n", "gone"), due: Self.t0)
        let taken = schedule.take(now: Self.t0).sorted { $0.key < $1.key }
        let gone = DeliveryError(code: .clientError, recoverable: false, message: "404", status: 404)
        let dead = schedule.finish(taken[0], Self.outcome(taken[0], .failed, gone), at: Self.t0, random: 0.5)
        #expect(dead.result == .dead)
        #expect(dead.notice == .outageStarted(channel: "hooks", reason: .clientError, at: Self.t0, givenUp: true))
        #expect(dead.outage == .some(ChannelOutage(since: Self.t0, deadLetters: 1)))
        let unknown = schedule.finish(taken[1], nil, at: Self.t0, random: 0.5)
        #expect(unknown.record?.result == .dead(reason: "no_channel", detail: "channel gone is no longer configured"))
    }

    /// A ticket's customer email that is no address is that message's fault: a dead letter,
    /// and no outage of the channel (ops were paged with "failing" and "works again").
    @Test func aMessagesOwnBadAddressStartsNoOutage() {
        var schedule = DeliverySchedule()
        schedule.add(Self.message("m", "customers"), due: Self.t0)
        let entry = schedule.take(now: Self.t0)[0]
        var bad = DeliveryError(code: .invalidMessage, recoverable: false, message: "\"x\" is not a mail address")
        bad.isMessageOnly = true
        let dead = schedule.finish(entry, Self.outcome(entry, .failed, bad), at: Self.t0, random: 0.5)
        #expect(dead.result == .dead)
        #expect(dead.notice == nil)
        #expect(dead.outage == nil)
        // The same failure from the channel's own setting is an outage.
        schedule.add(Self.message("n", "customers"), due: Self.t0)
        let next = schedule.take(now: Self.t0)[0]
        bad.isMessageOnly = false
        let channelWide = schedule.finish(next, Self.outcome(next, .failed, bad), at: Self.t0, random: 0.5)
        #expect(channelWide.notice == .outageStarted(channel: "customers", reason: .invalidMessage, at: Self.t0, givenUp: true))
    }

    @Test func aMessageIsNeverScheduledTwice() {
        var schedule = DeliverySchedule()
        let first = schedule.add(Self.message("m", "hooks"), due: Self.t0)
        let second = schedule.add(Self.message("m", "hooks"), due: Self.t0)
        #expect(first && !second)
        let entry = schedule.take(now: Self.t0)[0]
        // In flight: still known.
        let third = schedule.add(Self.message("m", "hooks"), due: Self.t0)
        #expect(!third)
        _ = schedule.finish(entry, Self.outcome(entry, .delivered), at: Self.t0, random: 0.5)
        #expect(schedule.waiting == 0)
    }

    @Test func aCancelledAttemptIsNotRecorded() {
        var schedule = DeliverySchedule()
        schedule.add(Self.message("m", "hooks"), due: Self.t0)
        let entry = schedule.take(now: Self.t0)[0]
        let finished = schedule.finish(entry, Self.outcome(entry, .cancelled), at: Self.t0, random: 0.5)
        #expect(finished.result == .cancelled)
        #expect(finished.record == nil)
        #expect(schedule.inFlight == 0)
    }
}

/// A lane whose receiver keeps failing probes it instead of retrying every message.
@Suite struct LaneProbeTests {
    @Test func aFailingLaneProbesOneAtATimeAndFloodsBackOnSuccess() {
        var schedule = DeliverySchedule(limits: ["hooks": 32])
        for n in 0..<300 { schedule.add(DeliveryScheduleTests.message("h\(n)", "hooks"), due: DeliveryScheduleTests.t0) }
        var now = DeliveryScheduleTests.t0
        var attempts = 0
        // Two minutes of refused connections, in steps of 100 ms.
        let refused = DeliveryError(code: .connection, recoverable: true, message: "refused")
        for _ in 0..<1200 {
            for entry in schedule.take(now: now) {
                attempts += 1
                _ = schedule.finish(entry, DeliveryScheduleTests.outcome(entry, .failed, refused), at: now, random: 0.5)
            }
            now += 0.1
        }
        // The first 32 at once, then about one probe per backoff (at most 30 s): not 300
        // messages each on its own schedule (well over a thousand attempts).
        #expect(attempts < 60, "\(attempts) attempts")
        #expect(schedule.waiting == 300)
        // The receiver is back: the probe succeeds, and the lane opens up again.
        var delivered = 0
        for _ in 0..<600 {
            for entry in schedule.take(now: now) {
                delivered += 1
                _ = schedule.finish(entry, DeliveryScheduleTests.outcome(entry, .delivered), at: now, random: 0.5)
            }
            if schedule.waiting == 0 { break }
            now += 0.1
        }
        #expect(delivered == 300)
        #expect(schedule.waiting == 0)
    }
}

extension LaneProbeTests {
    @Test func messagesWaitingBehindProbesDieAtTheMaximumAge() {
        var schedule = DeliverySchedule(limits: ["hooks": 4])
        let t0 = DeliveryScheduleTests.t0
        for n in 0..<10 { schedule.add(DeliveryScheduleTests.message("h\(n)", "hooks", createdAt: t0), due: t0) }
        let refused = DeliveryError(code: .connection, recoverable: true, message: "refused")
        for entry in schedule.take(now: t0) {
            _ = schedule.finish(entry, DeliveryScheduleTests.outcome(entry, .failed, refused), at: t0, random: 0.5)
        }
        #expect(schedule.expire(now: t0 + 3600).isEmpty)
        let expired = schedule.expire(now: t0 + 3601)
        #expect(expired.count == 10)
        #expect(expired.allSatisfy { $0.finished.result == .dead })
        #expect(expired.first?.finished.record?.result == .dead(reason: "expired", detail: "not delivered within 3600 s of being decided"))
        #expect(schedule.waiting == 0)
        // Ten dead letters of a channel start one outage.
        #expect(expired.compactMap(\.finished.notice).count == 1)
    }
}
