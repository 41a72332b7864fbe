import Foundation
import SLAEngine
import StateStore

/// Decides which of a tick's intents go out now, pure: given the escalator's intents, the
/// held ones whose quiet hours end, which sources are stale and how each clock stands, it
/// returns what to word, and then what to commit once they are worded.
///
/// - Old data may be wrong: no warnings, risks or customer notices from a stale source's
///   tickets (they fire once it recovers); breach pings still go out, flagged.
/// - A held intent whose quiet hours ended goes out unless its clock closed meanwhile (or
///   the escalator withdrew it); then it is withdrawn.
/// - A customer notice for a ticket without a customer email is recorded as skipped.
/// - An intent a silence mutes is recorded as silenced and not worded; a held one whose
///   quiet hours end under a silence is muted then. A muted intent sent as the catch-up
///   of a silence that ended goes out like a released one.
struct TickPlanner {
    /// What a tick words and records.
    struct Plan: Sendable {
        /// This tick's intents, less those a stale source holds back.
        var decided: [Intent]
        /// Held intents released now, and muted ones sent as a silence's catch-up.
        var released: [Intent]
        var withdrawn: [String]
        /// Held intents a silence mutes now that their quiet hours ended.
        var muted: [(id: String, silence: Silence)] = []
        /// The numbers of the intents to word now, counting `decided` first, then `released`
        /// (numbers, not copies: a large catch-up words a hundred thousand).
        var ready: [Int]

        /// Intent number `number`.
        func intent(_ number: Int) -> Intent {
            number < decided.count ? decided[number] : released[number - decided.count]
        }
    }

    /// How the tick's world stands, as the planner asks it.
    struct Facts {
        /// Whether an intent's clock is open now; nil when its ticket is not in view.
        var clockIsOpen: (Intent) -> Bool?
        /// Whether a customer notice has someone to go to.
        var hasCustomerEmail: (Intent) -> Bool
        /// The silence that mutes an intent about this ticket now, if any.
        var muting: (Intent) -> Silence? = { _ in nil }
    }

    static func plan(
        intents: [Intent], withdrawn: [String], heldDue: [Intent], unsilenced: [Intent] = [], stale: Set<String>, facts: Facts,
        at now: Date
    ) -> Plan {
        let decided = stale.isEmpty ? intents : intents.filter { intent in
            guard stale.contains(intent.source) else { return true }
            return intent.kind != .warning && intent.kind != .customerNotice && intent.kind != .risk
        }
        var withdrawn = withdrawn
        var released: [Intent] = []
        var muted: [(id: String, silence: Silence)] = []
        let alreadyWithdrawn = Set(withdrawn)
        for held in heldDue {
            if facts.clockIsOpen(held) == true, !alreadyWithdrawn.contains(held.id) {
                if let silence = facts.muting(held) { muted.append((held.id, silence)) } else { released.append(held) }
            } else {
                withdrawn.append(held.id)
            }
        }
        released += unsilenced
        var ready: [Int] = []
        ready.reserveCapacity(decided.count + released.count)
        for (number, intent) in [decided, released].joined().enumerated()
        where intent.kind != .skipped && !intent.isMuted && (intent.notBefore ?? now) <= now && facts.clockIsOpen(intent) != nil {
            if intent.kind == .customerNotice && !facts.hasCustomerEmail(intent) { continue }
            ready.append(number)
        }
        return Plan(decided: decided, released: released, withdrawn: withdrawn, muted: muted, ready: ready)
    }

    /// The ready items (positions in `plan.ready`) in parts of about `size`, each worded
    /// and committed on its own. Digests gather a whole tick, so their items are all in the
    /// first part; a ticket's items never straddle two parts (a customer hears once per
    /// tick about a ticket). `ticketOf` names an item's ticket in any form that tells two
    /// tickets apart. Always at least one part, which may be empty.
    static func parts<Ticket: Equatable>(
        of items: Range<Int>, size: Int, isDigest: (Int) -> Bool, ticketOf: (Int) -> Ticket
    ) -> [[Int]] {
        var parts: [[Int]] = [items.filter(isDigest)]
        var current = parts[0]
        var lastTicket: Ticket?
        for item in items where !isDigest(item) {
            let ticket = ticketOf(item)
            if current.count >= size, ticket != lastTicket {
                parts[parts.count - 1] = current
                parts.append([])
                current = []
            }
            current.append(item)
            lastTicket = ticket
        }
        parts[parts.count - 1] = current
        return parts
    }

    /// The commit of one part of a plan: the intents numbered `numbers` (positions in
    /// `decided`, then `released`; nil for every intent of the plan, in one part), worded
    /// into `messages`, where `messageKeys[n]` is the key of the message carrying intent
    /// number `n`, if any. The `first` part also records the intents that go out without a
    /// message (held, skipped, without a channel) and the withdrawn ones.
    static func commit(
        _ plan: Plan, numbers: [Int]?, messages: [OutboundMessage], messageKeys: [String?], first: Bool, at now: Date
    ) -> TickCommit {
        var commit = TickCommit(at: now, messages: messages)
        if first {
            commit.withdrawn = plan.withdrawn
            commit.muted = plan.muted
        }
        guard let numbers else {
            // The whole plan: its intents as they are (a large catch-up's are not copied).
            commit.intents = plan.decided
            commit.messageKeys = Array(messageKeys[..<plan.decided.count])
            for number in plan.decided.indices where needsSkipping(plan.decided[number], messageKeys[number]) {
                skip(&commit.intents[number])
            }
            commit.released = plan.released.indices.compactMap { index in
                messageKeys[plan.decided.count + index].map { (plan.released[index].id, $0) }
            }
            return commit
        }
        var decided = numbers.filter { $0 < plan.decided.count }
        if first {
            var isReady = [Bool](repeating: false, count: plan.decided.count)
            for number in plan.ready where number < plan.decided.count { isReady[number] = true }
            decided += plan.decided.indices.filter { !isReady[$0] }
        }
        commit.intents.reserveCapacity(decided.count)
        commit.messageKeys.reserveCapacity(decided.count)
        for number in decided {
            commit.intents.append(plan.decided[number])
            if needsSkipping(plan.decided[number], messageKeys[number]) { skip(&commit.intents[commit.intents.count - 1]) }
            commit.messageKeys.append(messageKeys[number])
        }
        commit.released = numbers.filter { $0 >= plan.decided.count }.compactMap { number in
            messageKeys[number].map { (plan.released[number - plan.decided.count].id, $0) }
        }
        return commit
    }

    /// A customer notice that no message carries, and no quiet hours hold: nobody to tell.
    private static func needsSkipping(_ intent: Intent, _ messageKey: String?) -> Bool {
        intent.kind == .customerNotice && messageKey == nil && intent.notBefore == nil
    }

    private static func skip(_ intent: inout Intent) {
        intent.kind = .skipped
        intent.reason = "the ticket has no customer email"
    }

    /// The line a message about a stale source's ticket carries.
    static func staleNote(source: String, since: Date) -> String {
        "Data from source \(source) is stale since \(Timestamp(since)): this may be out of date."
    }
}
