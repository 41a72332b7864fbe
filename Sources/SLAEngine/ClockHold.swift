public import Foundation

/// Someone answered a ping: an acknowledgement ("mine") or a snooze ("later") that holds
/// every later step of one clock's ladder until `until`, or until the clock is met.
///
/// The clock keeps running and customer notices are not held. When the hold ends with the
/// clock still open, the ladder resumes with the highest step reached, once, saying who
/// answered and when.
public struct ClockHold: Sendable, Hashable {
    /// What was answered.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Ownership: "acknowledged by".
        case ack
        /// Not ownership: "snoozed by".
        case snooze
    }

    public var kind: Kind
    /// Who answered, as they gave their name.
    public var by: String
    /// When it was recorded.
    public var at: Date
    /// When the hold ends.
    public var until: Date

    public init(kind: Kind, by: String, at: Date, until: Date) {
        self.kind = kind
        self.by = by
        self.at = at
        self.until = until
    }

    /// True while the hold stands at `now`.
    public func holds(at now: Date) -> Bool { now < until }

    /// The step of the "acknowledged by" note to channels already pinged: one per hold.
    public var noticeStep: String { "\(kind == .ack ? "acknowledged" : "snoozed")-\(Int64(at.timeIntervalSince1970))" }

    /// `acknowledged by dana at …` / `snoozed by dana at …`.
    public var verb: String { kind == .ack ? "acknowledged" : "snoozed" }
}
