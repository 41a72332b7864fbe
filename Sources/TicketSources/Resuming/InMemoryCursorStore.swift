public import Foundation
import Synchronization

/// A `CursorStore` that keeps its values in memory: for dry runs, `evaluate` without a
/// state file, and tests. Nothing survives the process.
public final class InMemoryCursorStore: CursorStore {
    private let values = Mutex<[String: (cursor: String, at: Date)]>([:])

    public init(_ initial: [String: String] = [:]) {
        values.withLock { values in
            for (key, value) in initial { values[key] = (value, Date(timeIntervalSince1970: 0)) }
        }
    }

    public func cursor(source: String) -> String? {
        values.withLock { $0[source]?.cursor }
    }

    public func saveCursor(_ cursor: String, source: String, at: Date) {
        values.withLock { $0[source] = (cursor, at) }
    }

    /// When the value under `source` was last saved.
    public func savedAt(source: String) -> Date? {
        values.withLock { $0[source]?.at }
    }

    /// Every key that holds a value, sorted.
    public var keys: [String] {
        values.withLock { $0.keys.sorted() }
    }
}
