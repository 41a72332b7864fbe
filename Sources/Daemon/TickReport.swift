public import Foundation
public import SLAEngine

/// What one tick did, for the log, the status line and metrics.
public struct TickReport: Sendable {
    public var at: Date
    public var tickets = 0
    public var clocks = 0
    public var atRisk = 0
    public var breached = 0
    /// Intents decided this tick (skipped ones included).
    public var intents = 0
    /// Messages put in the outbox (or printed, in a dry run).
    public var enqueued = 0
    /// Intents a silence muted this tick: recorded as silenced, not sent.
    public var silenced = 0
    /// Records and sources that could not be read, one line each.
    public var problems: [String] = []
    /// When the next tick is wanted: the next poll, threshold or end of quiet hours.
    public var nextWake: Date?
    /// Clocks by state, for metrics.
    public var clockStates: [ClockState: Int] = [:]
    /// Intents that crossed a threshold this tick, by kind (`warning`, `breach`, `repeat`).
    public var crossings: [String: Int] = [:]
    /// Risk occurrences fired this tick, by risk (`follow_ups`, …), and surges announced, by
    /// what they count (`group`, …).
    public var risks: [String: Int] = [:]
    public var surges: [String: Int] = [:]
    /// Seconds each polled source took, and the sources whose poll failed.
    public var pollDurations: [String: Double] = [:]
    public var pollErrors: [String] = []
    /// Sources whose poll was still running when the tick went on without it.
    public var pollsRunning: [String] = []
    /// Messages waiting in the outbox after the tick.
    public var outboxPending = 0
    /// Seconds each phase of the tick took, in order: `poll`, `evaluate`, `compose`,
    /// `commit`, `write_back`.
    public var phases: [(phase: String, seconds: Double)] = []

    /// Records the phase `name` as having run from `start` until now, and moves `start` to now.
    /// Adds the time since `start` to phase `name` (a phase a tick goes through in parts,
    /// such as wording and committing, sums its parts).
    mutating func lap(_ name: String, since start: inout ContinuousClock.Instant) {
        let now = ContinuousClock.now
        if let index = phases.firstIndex(where: { $0.0 == name }) {
            phases[index].1 += (now - start).seconds
        } else {
            phases.append((name, (now - start).seconds))
        }
        start = now
    }

    public init(at: Date) {
        self.at = at
    }
}
