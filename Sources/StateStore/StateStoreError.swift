/// Why the state database cannot be used. Never recovered by resetting the database:
/// the operator decides.
public struct StateStoreError: Error, Sendable, CustomStringConvertible {
    /// A small closed set, usable as a metric label.
    public enum Code: String, Sendable {
        /// Another process holds the database (or its daemon lock).
        case locked
        /// The file is not a SQLite database, or is damaged.
        case corrupt
        /// Written by a newer slawatch whose schema this one does not know.
        case newerSchema = "newer_schema"
        /// Written by an older slawatch, and opened read-only, so it cannot be migrated.
        case olderSchema = "older_schema"
        /// The file or its directory cannot be opened or written.
        case unavailable
        /// A query failed.
        case failed
        /// This daemon no longer leads the shared state: another took over (its epoch is
        /// newer), so nothing is written on this one's behalf.
        case fenced
    }

    public var code: Code
    /// What went wrong and how to fix it, naming the file.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// `error` as the store's error, for an untyped `catch`.
    ///
    /// In release builds (Swift 6.3), a `do throws(StateStoreError)` around an `async`
    /// call through a store protocol, in a detached task, was seen to take its `catch` with
    /// no error thrown, the error it caught garbage: the PostgreSQL tick benchmark failed so
    /// (`scripts/bench-postgres.sh`), and describing the error crashed it. An untyped
    /// `catch` does not.
    public static func caught(_ error: any Error) -> StateStoreError {
        error as? StateStoreError ?? StateStoreError(.failed, "\(error)")
    }
}
