public import Foundation
public import SLAEngine
public import StateStore
public import BusinessTime

/// What the listener's routes ask of the daemon behind them: the clocks at risk, a polled
/// ticket, a ticket's open clocks, and whom to tell when someone answers or a silence
/// changes. A daemon that polls answers from its `Watcher`; one that stands by on a shared
/// state answers from what the state records.
public struct ListenerBackend: Sendable {
    /// The status board at an instant.
    public var board: @Sendable (Date) async -> StatusBoard
    /// The ticket as last polled (source, id); nil when not in view.
    public var ticket: @Sendable (String, String) async -> Ticket?
    public var openClocks: APIRoutes.OpenClocks
    /// Called after a new hold is recorded.
    public var answered: @Sendable (HoldRequest) async -> Void
    /// Called after a silence is added or expired.
    public var silencesChanged: @Sendable () async -> Void

    public init(
        board: @escaping @Sendable (Date) async -> StatusBoard, ticket: @escaping @Sendable (String, String) async -> Ticket?,
        openClocks: @escaping APIRoutes.OpenClocks, answered: @escaping @Sendable (HoldRequest) async -> Void,
        silencesChanged: @escaping @Sendable () async -> Void
    ) {
        self.board = board
        self.ticket = ticket
        self.openClocks = openClocks
        self.answered = answered
        self.silencesChanged = silencesChanged
    }

    /// A daemon that polls: the watcher's tickets and clocks; an answer or a silence wakes
    /// its loop (whose tick tags an acknowledged ticket with `actions.ack_tag`), unless
    /// `toldByState`: the watcher hears of every answer through a shared state, whichever
    /// daemon took it, and is not told twice.
    public static func polling(_ watcher: Watcher, toldByState: Bool = false) -> ListenerBackend {
        ListenerBackend(
            board: { await watcher.statusBoard(at: $0) },
            ticket: { await watcher.polledTicket(source: $0, ticketID: $1) },
            openClocks: { await watcher.openClocks(source: $0, ticketID: $1, metric: $2, at: $3) },
            answered: { _ in if !toldByState { watcher.nudge() } },
            silencesChanged: { if !toldByState { watcher.nudge() } })
    }

    /// A daemon that does not poll: the breached clocks the state records (brought to now
    /// on `calendars()`), and the clocks a ticket's ladder acted on among `sources()`. The
    /// daemon that leads hears of answers and silences through the state itself.
    public static func recorded(
        _ store: any ListenerStore, sources: @escaping @Sendable () -> [String],
        calendars: @escaping @Sendable () -> [String: BusinessCalendar]
    ) -> ListenerBackend {
        ListenerBackend(
            board: { now in
                // A state that cannot be read now shows an empty board rather than no page.
                let breaches = (try? await store.openBreaches()) ?? []
                let holds = breaches.isEmpty ? [:] : (try? await store.clockHolds()) ?? [:]
                return StatusBoard(recorded: breaches, calendars: calendars(), holds: holds, at: now)
            },
            ticket: { _, _ in nil },
            openClocks: { source, ticketID, metric, _ in
                var clocks: [(source: String, metric: Metric, cycle: Int)] = []
                for name in source.map({ [$0] }) ?? sources() {
                    for clock in (try? await store.unfulfilledClocks(source: name, ticketID: ticketID)) ?? []
                    where metric == nil || clock.metric == metric {
                        clocks.append((name, clock.metric, clock.cycle))
                    }
                }
                return clocks
            },
            answered: { _ in }, silencesChanged: {})
    }

    /// `leading` while this daemon leads (its watcher), else `standing`; asked at each call.
    public static func either(leading: @escaping @Sendable () -> ListenerBackend?, standing: ListenerBackend) -> ListenerBackend {
        ListenerBackend(
            board: { await (leading() ?? standing).board($0) },
            ticket: { await (leading() ?? standing).ticket($0, $1) },
            openClocks: { await (leading() ?? standing).openClocks($0, $1, $2, $3) },
            answered: { await (leading() ?? standing).answered($0) },
            silencesChanged: { await (leading() ?? standing).silencesChanged() })
    }
}
