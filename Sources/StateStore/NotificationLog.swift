public import Foundation
public import SLAEngine

/// What a tick needs of the state: the ladder's history, the intents quiet hours hold,
/// breaches per customer, the transitions observed between polls, and the commit of what
/// it decided (intents and the outbox rows that carry them, in one transaction).
///
/// SQLite (`StateStore`) is the embedded default, PostgreSQL (`PostgresStateStore`) the
/// shared one; `DryRunLog` reads one and writes nothing. The methods are `async` because a
/// networked database answers over a socket; SQLite's synchronous methods satisfy them.
public protocol NotificationLog: Sendable {
    /// What earlier ticks recorded, by clock key.
    func ladderHistory() async throws(StateStoreError) -> LadderHistory
    /// Intents held by quiet hours whose hold ends by `now`.
    func heldIntents(dueBy now: Date) async throws(StateStoreError) -> [Intent]
    /// Moves the end of the hold of every intent held on a channel of `releases` to that
    /// channel's instant; returns how many moved. Channels not named keep their schedule.
    func rescheduleHeld(_ releases: [String: Date]) async throws(StateStoreError) -> Int
    /// Breaches per customer since `since`.
    func breachCounts(since: Date) async throws(StateStoreError) -> BreachCounts
    /// Records breaches (a fact about a clock, apart from the tick's commit).
    func recordBreaches(_ breaches: [BreachRecord]) async throws(StateStoreError)
    /// Records what changed since the last poll of `source`; returns every ticket's observed transitions.
    func observe(_ tickets: [Ticket], source: String, at: Date) async throws(StateStoreError) -> [String: [TicketEvent]]
    /// Writes one tick's decisions and the messages that carry them, atomically.
    @discardableResult
    func commit(_ tick: TickCommit) async throws(StateStoreError) -> Committed
    /// Surge samples since `hour` (hours since the epoch) and the surges in progress.
    func surgeState(sinceHour hour: Int64) async throws(StateStoreError) -> SurgeState
    /// The earliest instant a held intent's quiet hours end.
    func nextHeldRelease() async throws(StateStoreError) -> Date?
    /// Messages pending, dead-lettered, and intents held.
    func outboxDepth() async throws(StateStoreError) -> OutboxDepth
    /// Tidies up after a tick, off the tick's path (SQLite: copies the WAL back).
    func checkpointLater()
    /// The latest acknowledgement or snooze of every clock that has one, by clock key.
    func clockHolds() async throws(StateStoreError) -> [String: ClockHold]
}

extension StateStore: NotificationLog {}

/// The state as `run --dry-run` sees it: what an existing state file recorded, read only;
/// nothing is written, and what a tick would put in the outbox is handed to `onCommit`.
public struct DryRunLog: NotificationLog {
    private let base: (any NotificationLog)?
    private let onCommit: @Sendable ([OutboundMessage]) -> Void

    /// `base` is the state file when there is one; nil reads as a new state.
    public init(base: (any NotificationLog)?, onCommit: @escaping @Sendable ([OutboundMessage]) -> Void) {
        self.base = base
        self.onCommit = onCommit
    }

    public func ladderHistory() async throws(StateStoreError) -> LadderHistory { try await base?.ladderHistory() ?? LadderHistory() }
    public func heldIntents(dueBy now: Date) async throws(StateStoreError) -> [Intent] { try await base?.heldIntents(dueBy: now) ?? [] }
    /// Moves nothing: the held intents read keep the schedule the state file has.
    public func rescheduleHeld(_ releases: [String: Date]) throws(StateStoreError) -> Int { 0 }
    public func breachCounts(since: Date) async throws(StateStoreError) -> BreachCounts {
        try await base?.breachCounts(since: since) ?? BreachCounts()
    }
    public func recordBreaches(_ breaches: [BreachRecord]) async throws(StateStoreError) {}
    /// Records nothing, so nothing is observed between polls.
    public func observe(_ tickets: [Ticket], source: String, at: Date) throws(StateStoreError) -> [String: [TicketEvent]] { [:] }
    public func commit(_ tick: TickCommit) throws(StateStoreError) -> Committed {
        onCommit(tick.messages)
        return Committed(messagesAreNew: false)
    }
    public func surgeState(sinceHour hour: Int64) async throws(StateStoreError) -> SurgeState {
        try await base?.surgeState(sinceHour: hour) ?? SurgeState()
    }
    public func nextHeldRelease() async throws(StateStoreError) -> Date? { try await base?.nextHeldRelease() }
    public func outboxDepth() async throws(StateStoreError) -> OutboxDepth {
        try await base?.outboxDepth() ?? OutboxDepth(pending: 0, dead: 0, held: 0)
    }
    public func checkpointLater() {}
    public func clockHolds() async throws(StateStoreError) -> [String: ClockHold] { try await base?.clockHolds() ?? [:] }
}

extension DryRunLog: SilenceLog {
    /// Records nothing.
    public func recordSilence(_ silence: Silence) throws(StateStoreError) {}
    public func silences(endingAfter instant: Date) async throws(StateStoreError) -> [Silence] {
        try await (base as? any SilenceLog)?.silences(endingAfter: instant) ?? []
    }
    /// Changes nothing.
    public func expireSilence(id: String, at now: Date) throws(StateStoreError) -> (silence: Silence, expired: Bool)? { nil }
    public func silencedMessages(since: Date, until: Date) async throws(StateStoreError) -> [(reason: String, count: Int)] {
        try await (base as? any SilenceLog)?.silencedMessages(since: since, until: until) ?? []
    }
}
