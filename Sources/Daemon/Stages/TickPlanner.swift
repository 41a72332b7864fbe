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
struct TickPlanner {
    /// What a tick words and records.
    struct Plan: Sendable {
        /// This tick's intents, less those a stale source holds back.
        var decided: [Intent]
        /// Held intents released now.
        var released: [Intent]
        var withdrawn: [String]
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
    }

    static func plan(
        intents: [Intent], withdrawn: [String], heldDue: [Intent], stale: Set<String>, facts: Facts, at now: Date
    ) -> Plan {
        let decided = stale.isEmpty ? intents : intents.filter { intent in
            guard stale.contains(intent.source) else { return true }
            return intent.kind != .warning && intent.kind != .customerNotice && intent.kind != .risk
        }
        var withdrawn = withdrawn
        var released: [Intent] = []
        let alreadyWithdrawn = Set(withdrawn)
        for held in heldDue {
            if facts.clockIsOpen(held) == true, !alreadyWithdrawn.contains(held.id) {
                released.append(held)
            } else {
                withdrawn.append(held.id)
            }
        }
        var ready: [Int] = []
        ready.reserveCapacity(decided.count + released.count)
        for (number, intent) in [decided, released].joined().enumerated()
        where intent.kind != .skipped && (intent.notBefore ?? now) <= now && facts.clockIsOpen(intent) != nil {
            if intent.kind == .customerNotice && !facts.hasCustomerEmail(intent) { continue }
            ready.append(number)
        }
        return Plan(decided: decided, released: released, withdrawn: withdrawn, ready: ready)
    }

    /// The commit of a plan whose ready intents were worded into `messages`, where
    /// `messageKeys[n]` is the key of the message carrying intent number `n`, if any.
    static func commit(_ plan: Plan, messages: [OutboundMessage], messageKeys: [String?], at now: Date) -> TickCommit {
        var commit = TickCommit(at: now, intents: plan.decided, messageKeys: Array(messageKeys[..<plan.decided.count]))
        for (number, intent) in plan.decided.enumerated()
        where intent.kind == .customerNotice && messageKeys[number] == nil && intent.notBefore == nil {
            commit.intents[number].kind = .skipped
            commit.intents[number].reason = "the ticket has no customer email"
        }
        commit.released = plan.released.enumerated().compactMap { index, intent in
            messageKeys[plan.decided.count + index].map { (intent.id, $0) }
        }
        commit.withdrawn = plan.withdrawn
        commit.messages = messages
        return commit
    }

    /// The line a message about a stale source's ticket carries.
    static func staleNote(source: String, since: Date) -> String {
        "Data from source \(source) is stale since \(Timestamp(since)): this may be out of date."
    }
}
