import Foundation
import SLAEngine
import StateStore

/// The state with clock outcomes left unrecorded: `tick-first-without-outcomes` runs the
/// first tick through it, to say what recording outcomes for reports costs that tick.
struct WithoutOutcomes: NotificationLog {
    let base: StateStore

    func ladderHistory() throws(StateStoreError) -> LadderHistory { try base.ladderHistory() }
    func heldIntents(dueBy now: Date) throws(StateStoreError) -> [Intent] { try base.heldIntents(dueBy: now) }
    func rescheduleHeld(_ releases: [String: Date]) throws(StateStoreError) -> Int { try base.rescheduleHeld(releases) }
    func breachCounts(since: Date) throws(StateStoreError) -> BreachCounts { try base.breachCounts(since: since) }
    func recordBreaches(_ breaches: [BreachRecord]) async throws(StateStoreError) { try await base.recordBreaches(breaches) }
    func observe(_ tickets: [Ticket], source: String, at: Date) throws(StateStoreError) -> [String: [TicketEvent]] {
        try base.observe(tickets, source: source, at: at)
    }
    func commit(_ tick: TickCommit) throws(StateStoreError) -> Committed { try base.commit(tick) }
    func surgeState(sinceHour hour: Int64) throws(StateStoreError) -> SurgeState { try base.surgeState(sinceHour: hour) }
    func nextHeldRelease() throws(StateStoreError) -> Date? { try base.nextHeldRelease() }
    func outboxDepth() throws(StateStoreError) -> OutboxDepth { try base.outboxDepth() }
    func checkpointLater() { base.checkpointLater() }
    func clockHolds() throws(StateStoreError) -> [String: ClockHold] { try base.clockHolds() }
}
