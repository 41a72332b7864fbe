public import Foundation

/// What one tick did, for the log, the status line and metrics.
public struct TickReport: Sendable, Hashable {
    public var at: Date
    public var tickets = 0
    public var clocks = 0
    public var atRisk = 0
    public var breached = 0
    /// Intents decided this tick (skipped ones included).
    public var intents = 0
    /// Messages put in the outbox (or printed, in a dry run).
    public var enqueued = 0
    public var delivered = 0
    public var retried = 0
    public var deadLettered = 0
    /// Records and sources that could not be read, one line each.
    public var problems: [String] = []
    /// When the next tick is wanted: the next poll, threshold, retry or end of quiet hours.
    public var nextWake: Date?

    public init(at: Date) {
        self.at = at
    }
}
