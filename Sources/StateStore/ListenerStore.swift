public import Foundation
public import SLAEngine

/// Where acknowledgements and snoozes are kept: the listener records them, each tick reads
/// the latest of every clock (`NotificationLog.clockHolds`).
public protocol HoldLog: Sendable {
    /// Records an acknowledgement or snooze unless one already stands on the clock at its
    /// instant; idempotent, so a second POST of the same link, or a press on another daemon
    /// sharing the state, changes nothing.
    func recordHold(_ request: HoldRequest) async throws(StateStoreError) -> HoldOutcome
    /// Every hold recorded on a ticket's clocks (by the source's id), oldest first, with the clock key.
    func holds(ticketID: String) async throws(StateStoreError) -> [(clockKey: String, hold: ClockHold, via: String)]
    /// The latest acknowledgement or snooze of every clock that has one, by clock key.
    func clockHolds() async throws(StateStoreError) -> [String: ClockHold]
}

/// What the state says of clocks without their tickets: what a daemon that does not poll
/// (a standby on a shared state) shows and acknowledges.
public protocol RecordedClockLog: Sendable {
    /// The clocks recorded as breached and not fulfilled since, as the leading daemon last
    /// recorded them.
    func openBreaches() async throws(StateStoreError) -> [ClockOutcome]
    /// The clocks of one ticket that a ladder acted on or that breached, and that are not
    /// recorded as fulfilled (met or missed), in metric and cycle order.
    func unfulfilledClocks(source: String, ticketID: String) async throws(StateStoreError) -> [(metric: Metric, cycle: Int)]
}

/// What the daemon's listener reads and writes: holds, silences and recorded clocks.
/// SQLite (`StateStore`) and PostgreSQL (`PostgresStateStore`) both are one.
public typealias ListenerStore = HoldLog & SilenceLog & RecordedClockLog
