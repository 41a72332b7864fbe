import Synchronization

/// An optional part of a source's data, read from an endpoint of its own (Zendesk's reply
/// history, Zammad's tags and customer names, Freshdesk's deleted and spam lists, Jira's
/// extra fields): when the service refuses that endpoint, the poll goes on without it.
///
/// The refusal is reported once, as a source problem that says what is missing meanwhile
/// and how to fix it, and the recovery once more when the endpoint answers again; polls in
/// between stay quiet. The endpoint is tried again at every poll.
struct OptionalLookup: Sendable {
    /// The source's name, for the problems.
    let source: String
    /// What the endpoint gives, `reply history (ticket metric events)`.
    let what: String
    /// What the tickets lack while it is refused.
    let meanwhile: String
    /// What to do when the service refuses the endpoint to this user (403, or a request it
    /// finds wrong); a 404 is told as an endpoint the service does not have instead.
    let grant: String
    /// Why the endpoint is refused, since the poll it was first refused; nil while it answers.
    private(set) var refusal: String?

    init(source: String, what: String, meanwhile: String, grant: String) {
        self.source = source
        self.what = what
        self.meanwhile = meanwhile
        self.grant = grant
    }

    var isAvailable: Bool { refusal == nil }

    /// Whether `error` refuses the endpoint itself rather than the whole service: a 4xx other
    /// than 401 and 429 (403 for a permission the API user lacks, 404 for an endpoint the
    /// plan or version does not have), or an answer that is not what the API documents.
    /// Timeouts, 5xx and rate limits still fail the poll, as they would the main request.
    static func refuses(_ error: SourceError) -> Bool {
        if error.code == .badResponse { return true }
        guard let status = error.status else { return false }
        return (400..<500).contains(status) && status != 401 && status != 429
    }

    /// Notes a refusal; the problem to report when it is news.
    mutating func refused(_ error: SourceError) -> RecordProblem? {
        // The status alone: the client's own advice for a 403 (check the token) would mislead
        // when the rest of the service takes the same token.
        let reason = error.status.map { "the service answered HTTP \($0)" } ?? error.message
        defer { refusal = reason }
        guard refusal == nil else { return nil }
        let fix = error.status == 404
            ? "the service has no such endpoint (its version or plan may lack it, or the source's url has a path too many)"
            : grant
        return RecordProblem(source: source, message: "\(what) is unavailable (\(reason)); \(meanwhile); \(fix)")
    }

    /// Notes an answer; the problem to report when it ends a refusal.
    mutating func answered() -> RecordProblem? {
        guard refusal != nil else { return nil }
        refusal = nil
        return RecordProblem(source: source, message: "\(what) is available again")
    }
}

/// An `OptionalLookup` for a source that is a value type: the copies share it.
final class SharedLookup: Sendable {
    private let lookup: Mutex<OptionalLookup>

    init(_ lookup: OptionalLookup) {
        self.lookup = Mutex(lookup)
    }

    func refused(_ error: SourceError) -> RecordProblem? { lookup.withLock { $0.refused(error) } }

    func answered() -> RecordProblem? { lookup.withLock { $0.answered() } }
}
