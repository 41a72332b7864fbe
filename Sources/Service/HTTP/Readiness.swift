public import Foundation

/// Whether the daemon should be considered in service: what `/readyz` reports.
///
/// Ready means the first tick is done and every source is fresh, so the clocks and pings
/// reflect current tickets. Not ready carries a one-line reason for the 503 body.
public enum Readiness: Sendable, Hashable, CustomStringConvertible {
    /// In service.
    case ready
    /// Not in service, and why, in one line.
    case notReady(String)

    /// The usual rule: not ready before the first tick, nor while a source has never been
    /// polled successfully or its last success is older than its `staleAfter`. The reason
    /// names every such source, in name order, on one line.
    ///
    /// - Parameters:
    ///   - firstTickAt: when the first tick finished; nil before.
    ///   - sources: every configured source.
    ///   - now: the instant to judge at.
    public static func evaluate(firstTickAt: Date?, sources: [SourceReadiness], now: Date) -> Readiness {
        guard firstTickAt != nil else { return .notReady("waiting for the first tick") }
        var problems: [String] = []
        for source in sources.sorted(by: { $0.name < $1.name }) {
            guard let last = source.lastSuccess else {
                problems.append("source \(source.name) has not been polled successfully yet")
                continue
            }
            let age = now.timeIntervalSince(last)
            if age > source.staleAfter {
                problems.append(
                    "source \(source.name) is stale: last successful poll \(Int(age.rounded()))s ago, stale after \(Int(source.staleAfter.rounded()))s"
                )
            }
        }
        guard !problems.isEmpty else { return .ready }
        return .notReady(problems.joined(separator: "; "))
    }

    /// True for `.ready`.
    public var isReady: Bool { self == .ready }

    /// `ready`, or the reason on one line.
    public var description: String {
        switch self {
        case .ready: "ready"
        case .notReady(let reason): String(reason.map { $0.isNewline ? " " : $0 })
        }
    }
}
