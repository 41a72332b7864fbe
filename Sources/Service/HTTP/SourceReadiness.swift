public import Foundation

/// How current one source's tickets are, for readiness: its name, its last successful
/// poll and how old that may get (`stale_after`).
public struct SourceReadiness: Sendable, Hashable {
    /// The source's configured name.
    public var name: String
    /// When its last poll succeeded; nil before the first success.
    public var lastSuccess: Date?
    /// How long after `lastSuccess` its tickets count as stale, in seconds: the source's
    /// `stale_after`, else whatever default the daemon applies (several poll intervals).
    public var staleAfter: TimeInterval

    public init(name: String, lastSuccess: Date?, staleAfter: TimeInterval) {
        self.name = name
        self.lastSuccess = lastSuccess
        self.staleAfter = staleAfter
    }
}
