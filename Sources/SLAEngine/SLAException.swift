public import Foundation

/// A window declared in advance in which targets change for matching tickets: a peak
/// season (`targets_factor`) or an outage (`pause`).
///
/// Exceptions may overlap. A clock of a matching ticket stands still inside every `pause`
/// window that covers it; a ticket created inside windows with `targets_factor` gets its
/// targets multiplied by the largest of their factors.
public struct SLAException: Sendable, Hashable {
    public var name: String
    /// The window, `from` included and `until` excluded.
    public var from: Date
    public var until: Date
    /// Which tickets it covers; `.any` when the configuration gives no `match`.
    public var match: TicketMatch
    /// Matching clocks stand still inside the window.
    public var pause: Bool
    /// Targets of matching tickets created inside the window are multiplied by this; nil
    /// leaves them alone.
    public var targetsFactor: Double?

    /// The largest `targets_factor` a configuration may give.
    public static let largestFactor = 100.0

    public init(name: String, from: Date, until: Date, match: TicketMatch = .any, pause: Bool = false, targetsFactor: Double? = nil) {
        self.name = name
        self.from = from
        self.until = until
        self.match = match
        self.pause = pause
        self.targetsFactor = targetsFactor
    }

    /// True when `instant` is inside the window.
    public func covers(_ instant: Date) -> Bool { from <= instant && instant < until }
}

/// The exceptions that apply to one ticket, worked out once per ticket.
struct TicketExceptions: Sendable {
    /// Pause windows in epoch seconds, merged where they overlap, in time order, each with
    /// the name of the exception that opened it.
    var pauses: [(start: Int64, end: Int64, name: String)] = []
    /// The largest factor of the windows the ticket was created in, and whose it is.
    var factor: (value: Double, name: String)?

    init() {}

    init(_ exceptions: [SLAException], ticket: Ticket) {
        let created = ticket.createdAt
        var windows: [(start: Int64, end: Int64, name: String)] = []
        for exception in exceptions where exception.match.holds(for: ticket) {
            if exception.pause, exception.from < exception.until {
                windows.append((epoch(exception.from), epoch(exception.until), exception.name))
            }
            if let value = exception.targetsFactor, exception.covers(created), value > (factor?.value ?? 0) {
                factor = (value, exception.name)
            }
        }
        windows.sort { $0.start < $1.start }
        for window in windows {
            if let last = pauses.last, window.start <= last.end {
                pauses[pauses.count - 1].end = max(last.end, window.end)
            } else {
                pauses.append(window)
            }
        }
    }

    var isEmpty: Bool { pauses.isEmpty && factor == nil }

    /// `target` with the factor applied, to the second; no longer than the longest target a
    /// configuration may give stretched by the largest factor, whatever a caller passed.
    func target(_ target: Int) -> Int {
        guard let factor else { return target }
        return Int(min((Double(target) * factor.value).rounded(), Double(Policy.longestTarget) * SLAException.largestFactor))
    }

    /// The status spells with the pause windows added where no status already stops the
    /// clock, in time order and disjoint. Windows end where they end, past the evaluation
    /// instant included, so a declared outage moves a due time before it begins; nothing
    /// after `end` (the fulfilment) counts.
    func spells(adding statusSpells: [StopSpell], from start: Int64, to end: Int64?, limit: Int64) -> [StopSpell] {
        guard !pauses.isEmpty else { return statusSpells }
        var added: [StopSpell] = []
        for window in pauses {
            var cursor = max(window.start, start)
            let stop = min(window.end, end ?? window.end)
            guard cursor < stop else { continue }
            for spell in statusSpells where spell.upper > cursor && spell.start < stop {
                if spell.start > cursor { added.append(StopSpell(start: cursor, end: spell.start, exception: window.name)) }
                cursor = max(cursor, spell.upper)
            }
            if cursor < stop { added.append(StopSpell(start: cursor, end: stop, exception: window.name)) }
        }
        return (statusSpells + added).sorted { $0.start < $1.start }
    }

    /// True when a pause window covers `instant`.
    func pauses(at instant: Int64) -> Bool {
        pauses.contains { $0.start <= instant && instant < $0.end }
    }
}
