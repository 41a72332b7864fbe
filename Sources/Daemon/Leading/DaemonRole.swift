public import Foundation
import Synchronization

/// What this daemon is on a shared state, for `/readyz`, `slawatch_leader` and `STATUS=`:
/// nil until the first leadership round, then the leader or a standby.
public final class DaemonRole: Sendable {
    public enum Current: String, Sendable {
        case leader, standby
    }

    private let current = Mutex<Current?>(nil)

    /// `initial` is known at once for a daemon that owns its state (SQLite: the leader).
    public init(_ initial: Current? = nil) {
        current.withLock { $0 = initial }
    }

    public var value: Current? { current.withLock { $0 } }

    /// Sets the role; returns the one before.
    @discardableResult
    func set(_ role: Current) -> Current? {
        current.withLock { current in
            defer { current = role }
            return current
        }
    }
}
