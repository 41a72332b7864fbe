public import Delivery
public import Foundation
import HeapModule
public import SLAEngine
public import StateStore
public import Transport

/// What the outbox dispatcher owes each channel and when: one lane per channel, each with
/// its own queue ordered by due time and its own bound on attempts in flight, so a channel
/// that is slow, refusing or failing holds back only its own lane.
///
/// Pure, like the connection pool state machines it is modelled on: the dispatcher asks it
/// which attempts to start (`take`), tells it how each ended (`finish`) and does what it
/// returns (record, announce, sleep until `nextDue`). Time and randomness are arguments.
///
/// A lane holds at most `bodiesPerLane` messages whole, and all lanes together at most
/// `defaultBodyBytes` of them; past that a lane keeps only what ordering and retry need (key,
/// channel, age, attempts, due) and the dispatcher reads each body back from the outbox when
/// it claims the message, so a backlog of any size costs a few dozen bytes a message.
public struct DeliverySchedule: Sendable {
    /// How an attempt ended, for the dispatcher to record and count.
    public struct Finished: Sendable {
        public enum Result: Sendable, Equatable {
            case delivered
            case retry(at: Date)
            case dead
            /// Cut short (shutdown): nothing recorded, the outbox keeps it for the next start.
            case cancelled
        }

        public var result: Result
        /// What the state records; nil for a cancelled attempt.
        public var record: AttemptRecord?
        /// What ops should hear about the channel, if anything.
        public var notice: ChannelHealth.Notice?
        /// The channel's outage as it now stands, when this attempt changed it (nil inside:
        /// the outage ended).
        public var outage: ChannelOutage??
    }

    private struct Lane: Sendable {
        var waiting = Heap<Entry>()
        var inFlight = 0
        /// Attempts that failed, recoverably, since the lane's last success.
        var failing = 0
        /// Attempts that succeeded in a row.
        var succeeding = 0
        /// While probing: no attempt starts before this instant.
        var heldUntil: Date?
        /// Waiting entries that hold their message.
        var bodies = 0

        /// Puts `entry` in line, with its message while the lane holds fewer than
        /// `bodiesPerLane` and `room` (bytes) is left for it (a mail retried to some
        /// recipients always keeps its own), else as its key, read back when claimed.
        mutating func wait(_ entry: Entry, bodiesPerLane: Int, room: inout Int) {
            var entry = entry
            if let message = entry.message {
                let size = DeliverySchedule.size(of: message)
                if (bodies < bodiesPerLane && size <= room) || message.retryTo != nil {
                    bodies += 1
                    room -= size
                } else {
                    entry.message = nil
                }
            }
            waiting.insert(entry)
        }

        /// A lane whose receiver keeps failing sends one probe at a time, when the last
        /// failed attempt's retry falls due, instead of every message on its own schedule.
        var probing: Bool { failing >= DeliverySchedule.probeAfter }
    }

    /// Failures in a row after which a lane only probes its receiver.
    public static let probeAfter = 3

    /// Messages a lane holds whole by default, and bytes of them all lanes together hold: a
    /// burst of 20,000 messages to one channel is sent without reading one back from the
    /// outbox (reading back took a sixth of the dispatcher's time), while a backlog's bodies
    /// stay on disk.
    public static let defaultBodiesPerLane = 32768
    public static let defaultBodyBytes = 64 << 20

    /// About what a message held whole costs: its three forms, and the rest in round figures.
    static func size(of message: OutboundMessage) -> Int {
        message.subject.utf8.count + message.text.utf8.count + (message.html?.utf8.count ?? 0) + 512
    }

    /// When to retry and when to give up.
    public var policy: RetryPolicy
    /// Attempts in flight at once per channel, by channel; `defaultLimit` for the rest.
    public var limits: [String: Int]
    /// Attempts in flight at once on a channel whose receiver keeps up (its last `limits`
    /// attempts all succeeded), by channel; its `limits` bound when not given. The attempts
    /// past the bound wait in the transport for one of the connections the lane has open,
    /// so each connection has its next request ready as soon as it answers.
    public var keepingUpLimits: [String: Int] = [:]
    public var defaultLimit: Int
    /// Messages one attempt carries, by channel; one for the rest. A lane whose attempts
    /// carry more makes one attempt at a time, whatever its `limits`: the next starts when
    /// the last has ended, with what is due by then, up to this bound.
    public var batches: [String: Int] = [:]
    /// Waiting messages a lane holds whole; the rest wait as keys.
    public let bodiesPerLane: Int
    /// Bytes of waiting messages the lanes may still hold whole.
    private var room = DeliverySchedule.defaultBodyBytes
    /// Which channels are failing, to tell ops once per outage.
    public private(set) var health: ChannelHealth
    private var lanes: [String: Lane] = [:]
    /// Keys queued or in flight: a message is never in the schedule twice.
    private var known: Set<String> = []
    private var arrivals = 0

    public init(
        policy: RetryPolicy = .delivery, limits: [String: Int] = [:], defaultLimit: Int = 32, health: ChannelHealth = ChannelHealth(),
        bodiesPerLane: Int = DeliverySchedule.defaultBodiesPerLane
    ) {
        self.policy = policy
        self.bodiesPerLane = bodiesPerLane
        self.limits = limits
        self.defaultLimit = defaultLimit
        self.health = health
    }

    /// Queues a message, due at `due` (a new one: now; one resumed after a restart: now too).
    /// Returns false when it is already queued or in flight.
    @discardableResult
    public mutating func add(_ message: OutboundMessage, attempts: Int = 0, due: Date) -> Bool {
        guard known.insert(message.key).inserted else { return false }
        arrivals += 1
        queue(Entry(key: message.key, channel: message.channel, createdAt: message.createdAt, message: message,
                    attempts: attempts, due: due, order: arrivals))
        return true
    }

    /// Queues new messages, all due at `due`, in their order; one already queued or in
    /// flight is left out. A tick hands over its messages a part at a time, in runs of one
    /// channel's: each run finds its lane once. `claimed`: their first attempt needs no claim.
    public mutating func add(_ messages: [OutboundMessage], due: Date, claimed: Bool = false) {
        var start = messages.startIndex
        while start < messages.endIndex {
            let channel = messages[start].channel
            var end = start + 1
            while end < messages.endIndex, messages[end].channel == channel { end += 1 }
            DeliverySchedule.queue(
                messages[start..<end], due: due, claimed: claimed, into: &lanes[channel, default: Lane()],
                bodiesPerLane: bodiesPerLane, room: &room, known: &known, arrivals: &arrivals)
            start = end
        }
    }

    /// One channel's new messages into its lane, as `queue` puts each.
    private static func queue(
        _ messages: ArraySlice<OutboundMessage>, due: Date, claimed: Bool, into lane: inout Lane, bodiesPerLane: Int,
        room: inout Int, known: inout Set<String>, arrivals: inout Int
    ) {
        for message in messages where known.insert(message.key).inserted {
            arrivals += 1
            var entry = Entry(
                key: message.key, channel: message.channel, createdAt: message.createdAt, message: message, attempts: 0, due: due,
                order: arrivals)
            entry.isClaimed = claimed
            lane.wait(entry, bodiesPerLane: bodiesPerLane, room: &room)
        }
    }

    /// Queues a message by key only (one resumed after a restart): its body is read back
    /// when it is claimed. Returns false when it is already queued or in flight.
    @discardableResult
    public mutating func add(_ pending: PendingKey, due: Date) -> Bool {
        guard known.insert(pending.key).inserted else { return false }
        arrivals += 1
        queue(Entry(key: pending.key, channel: pending.channel, createdAt: pending.createdAt, message: nil,
                    attempts: pending.attempts, due: due, order: arrivals))
        return true
    }

    /// Puts an entry in its lane's queue, with its message while the lane holds fewer than
    /// `bodiesPerLane`, as a key otherwise. A mail narrowed to the recipients still owed
    /// keeps its message: the outbox may not have recorded the narrowing yet.
    /// An entry queued again (released, retried, set aside) is claimed again.
    private mutating func queue(_ entry: Entry) {
        var entry = entry
        entry.isClaimed = false
        lanes[entry.channel, default: Lane()].wait(entry, bodiesPerLane: bodiesPerLane, room: &room)
    }

    /// Takes the lane's first waiting entry, counting its message out.
    private mutating func removeFirst(_ channel: String) -> Entry {
        let entry = lanes[channel]!.waiting.removeMin()
        if let message = entry.message {
            lanes[channel]!.bodies -= 1
            room += DeliverySchedule.size(of: message)
        }
        return entry
    }

    /// Waiting messages held whole, in all.
    public var bodies: Int { lanes.values.reduce(0) { $0 + $1.bodies } }

    /// The attempts to start now: every lane's due messages, oldest first, up to its limit.
    /// Messages whose key is in `skipping` stay where they are (a drain tries each once).
    public mutating func take(now: Date, skipping: Set<String> = [], holding: Set<String> = []) -> [Entry] {
        var started: [Entry] = []
        // The keys are copied first: iterating `lanes` while changing it would copy every
        // lane's queue on each change.
        for channel in Array(lanes.keys) where !holding.contains(channel) {
            if let held = lanes[channel]!.heldUntil, held > now { continue }
            let limit = limit(channel, lanes[channel]!)
            var aside: [Entry] = []
            while lanes[channel]!.inFlight < limit, let next = lanes[channel]!.waiting.min, next.due <= now {
                let entry = removeFirst(channel)
                if skipping.contains(entry.key) {
                    aside.append(entry)
                    continue
                }
                started.append(entry)
                lanes[channel]!.inFlight += 1
            }
            for entry in aside { queue(entry) }
        }
        return started
    }

    /// Puts back a message `take` handed out that was not attempted (its claim was refused
    /// or failed), due again at `due`, its attempts unchanged.
    public mutating func release(_ entry: Entry, due: Date) {
        lanes[entry.channel]?.inFlight -= 1
        var again = entry
        again.due = due
        queue(again)
    }

    /// Records how an attempt that `take` started ended (`outcome` nil: the channel is no
    /// longer configured) and schedules what follows.
    public mutating func finish(_ entry: Entry, _ outcome: DeliveryOutcome?, at now: Date, random: Double) -> Finished {
        let channel = entry.channel
        lanes[channel]?.inFlight -= 1
        let key = entry.key
        guard let outcome else {
            known.remove(key)
            return Finished(result: .dead, record: AttemptRecord(
                key: key, at: now, result: .dead(reason: "no_channel", detail: "channel \(channel) is no longer configured")))
        }
        let before = health.outages[channel]
        let partialRetry = outcome.status == .partiallyDelivered ? retryRecipients(entry, outcome, at: now, random: random) : nil
        var finished: Finished
        switch outcome.status {
        case .cancelled:
            known.remove(key)
            return Finished(result: .cancelled)
        case .partiallyDelivered where partialRetry != nil:
            // Some recipients have it, others were refused for now: the same mail again, only to those.
            let (again, error) = partialRetry!
            queue(again)
            finished = Finished(result: .retry(at: again.due), record: AttemptRecord(
                key: key, at: now, result: .retry(at: again.due, reason: error.label, detail: error.description), next: again.message))
            // The relay took it for some: the channel works.
            finished.notice = health.record(channel: channel, .succeeded, at: now)
        case .delivered, .partiallyDelivered:
            known.remove(key)
            let refused = outcome.recipients.filter { $0.error != nil }.map { "\($0)" }.joined(separator: "; ")
            let detail = refused.isEmpty ? outcome.answer.map { "\($0)" } : refused
            finished = Finished(result: .delivered, record: AttemptRecord(key: key, at: now, result: .delivered(detail: detail)))
            finished.notice = health.record(channel: channel, .succeeded, at: now)
            lanes[channel]?.failing = 0
            lanes[channel]?.succeeding += 1
            lanes[channel]?.heldUntil = nil
        case .failed, .deadLettered:
            let error = outcome.error ?? DeliveryError(code: .protocolError, recoverable: true, message: "the attempt failed")
            let attempts = entry.attempts + 1
            let decision = policy.decision(
                afterAttempt: attempts, failure: error, random: random, age: now.timeIntervalSince(entry.createdAt))
            switch decision {
            case .retry(let delay):
                var again = entry
                again.attempts = attempts
                again.due = now + delay
                queue(again)
                lanes[channel]!.failing += 1
                lanes[channel]!.succeeding = 0
                if lanes[channel]!.probing {
                    // The lane's own backoff, by its failures in a row: a dead receiver hears
                    // one probe per interval, up to the policy's ceiling, whatever the queue.
                    let failures = lanes[channel]!.failing - DeliverySchedule.probeAfter + 1
                    if case .retry(let pause) = policy.decision(afterAttempt: failures, failure: error, random: random) {
                        lanes[channel]!.heldUntil = now + pause
                    }
                }
                finished = Finished(result: .retry(at: again.due), record: AttemptRecord(
                    key: key, at: now, result: .retry(at: again.due, reason: error.label, detail: error.description)))
                finished.notice = health.record(channel: channel, .failed(error.code), at: now)
            case .giveUp:
                known.remove(key)
                finished = Finished(result: .dead, record: AttemptRecord(
                    key: key, at: now, result: .dead(reason: error.label, detail: error.description)))
                // A message's own fault (a customer address that is no address) says nothing
                // of the channel: no outage, and the lane's run of successes goes on.
                if !error.isMessageOnly {
                    lanes[channel]?.succeeding = 0
                    finished.notice = health.record(channel: channel, .deadLettered(error.code), at: now)
                }
            }
        }
        let after = health.outages[channel]
        if after != before { finished.outage = .some(after) }
        return finished
    }

    /// A mail some recipients got and others were refused for now: the same message again,
    /// only to those, when the policy retries; nil otherwise.
    private func retryRecipients(
        _ entry: Entry, _ outcome: DeliveryOutcome, at now: Date, random: Double
    ) -> (Entry, DeliveryError)? {
        let refused = outcome.recipients.filter { $0.status == .failed && $0.error?.recoverable == true }
        guard let error = refused.first?.error, entry.message != nil,
              case .retry(let delay) = policy.decision(
                afterAttempt: entry.attempts + 1, failure: error, random: random, age: now.timeIntervalSince(entry.createdAt))
        else { return nil }
        var again = entry
        again.attempts += 1
        again.due = now + delay
        again.message?.retryTo = refused.map(\.address)
        return (again, error)
    }

    /// Gives up on waiting messages older than the policy's maximum age, which a lane that
    /// only probes its receiver may never have tried again: each a dead letter, with the
    /// error that last failed it (its message, for a message never tried: `expired`).
    public mutating func expire(now: Date) -> [(entry: Entry, finished: Finished)] {
        guard let maxAge = policy.maxAge else { return [] }
        var expired: [(entry: Entry, finished: Finished)] = []
        for channel in Array(lanes.keys) {
            let old = lanes[channel]!.waiting.unordered.filter { now.timeIntervalSince($0.createdAt) > maxAge }
            guard !old.isEmpty else { continue }
            lanes[channel]!.waiting = Heap(lanes[channel]!.waiting.unordered.filter { now.timeIntervalSince($0.createdAt) <= maxAge })
            lanes[channel]!.bodies = lanes[channel]!.waiting.unordered.count { $0.message != nil }
            room += old.lazy.compactMap(\.message).reduce(0) { $0 + DeliverySchedule.size(of: $1) }
            let before = health.outages[channel]
            for entry in old {
                known.remove(entry.key)
                var finished = Finished(result: .dead, record: AttemptRecord(
                    key: entry.key, at: now,
                    result: .dead(reason: "expired", detail: "not delivered within \(Int(maxAge)) s of being decided")))
                finished.notice = health.record(channel: channel, .deadLettered(.timeout), at: now)
                expired.append((entry, finished))
            }
            let after = health.outages[channel]
            if after != before, let last = expired.indices.last { expired[last].finished.outage = .some(after) }
        }
        return expired
    }

    /// How many messages a lane may have in flight now: one while it probes, more while its
    /// receiver keeps up; a lane whose attempts carry several, a whole attempt's while idle.
    private func limit(_ channel: String, _ lane: Lane) -> Int {
        if lane.probing { return 1 }
        if let batch = batches[channel], batch > 1 { return lane.inFlight == 0 ? batch : 0 }
        let bound = limits[channel] ?? defaultLimit
        return lane.succeeding >= bound ? max(bound, keepingUpLimits[channel] ?? bound) : bound
    }

    /// The earliest instant a waiting message of a lane with room falls due; nil when none waits.
    public func nextDue() -> Date? {
        var earliest: Date?
        for (channel, lane) in lanes where lane.inFlight < limit(channel, lane) {
            if let due = lane.waiting.min?.due {
                let start = max(due, lane.heldUntil ?? due)
                earliest = min(earliest ?? start, start)
            }
        }
        return earliest
    }

    /// True when a channel has nothing in flight and nothing due by `now`: its round is over.
    public func isQuiet(_ channel: String, at now: Date) -> Bool {
        guard let lane = lanes[channel] else { return true }
        return lane.inFlight == 0 && ((lane.heldUntil.map { $0 > now } ?? false) || (lane.waiting.min.map { $0.due > now } ?? true))
    }

    /// Attempts in flight, in all and for one channel.
    public var inFlight: Int { lanes.values.reduce(0) { $0 + $1.inFlight } }
    public func inFlight(_ channel: String) -> Int { lanes[channel]?.inFlight ?? 0 }
    /// Messages waiting for their next attempt, in all.
    public var waiting: Int { lanes.values.reduce(0) { $0 + $1.waiting.count } }
}
