public import SLAEngine

/// Somewhere tickets come from: a file, a helpdesk API, a database.
public protocol TicketSource: Sendable {
    /// The source's name in the configuration; it prefixes every problem reported.
    var name: String { get }
    /// Reads the tickets the source holds now. Records that do not parse are returned as
    /// problems beside the good tickets; a thrown error means nothing could be read.
    func poll() async throws -> TicketBatch
}

/// What one poll of a source produced.
public struct TicketBatch: Sendable {
    public var tickets: [Ticket]
    /// Records that were skipped, each saying where and why.
    public var problems: [RecordProblem]
    /// The line each ticket's record starts on in `file`, in the order of `tickets`, for
    /// a source that can say: a repeated id is then reported at both places. Let go once
    /// the batch is identified.
    public var recordLines: [Int32]?
    /// The file the records were read from.
    public var file: String?

    public init(tickets: [Ticket], problems: [RecordProblem] = []) {
        self.tickets = tickets
        self.problems = problems
    }
}

/// A record a source could not turn into a ticket; the rest of the batch still counts.
public struct RecordProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var source: String
    /// Where the record starts, for files.
    public var location: String?
    /// The record's id when it could be read.
    public var recordID: String?
    public var message: String
    /// Whether a record was skipped for it, rather than it being about the source as a
    /// whole (a lookup refused, a value taken as a default, a list longer than a poll reads).
    public var skipsRecord: Bool

    /// `skipsRecord` defaults to whether the problem names a record (its id or its place).
    public init(source: String, location: String? = nil, recordID: String? = nil, message: String, skipsRecord: Bool? = nil) {
        self.source = source
        self.location = location
        self.recordID = recordID
        self.message = message
        self.skipsRecord = skipsRecord ?? (recordID != nil || location != nil)
    }

    public var description: String {
        var prefix = location ?? source
        if let recordID { prefix += ": ticket \(recordID)" }
        return "\(prefix): \(message)"
    }
}

extension TicketBatch {
    /// Stamps every ticket with the name of the source it came from (`Ticket.source`, part of
    /// its identity) and keeps one ticket per id: when a source reports an id twice, the
    /// later record wins and the earlier is reported as a problem. `name` is empty for
    /// tickets read outside any configured source.
    public mutating func identify(as name: String) {
        defer { recordLines = nil }
        dropEmptyIDs(source: name)
        var last: [String: Int] = [:]
        last.reserveCapacity(tickets.count)
        var repeated = false
        for position in tickets.indices {
            tickets[position].source = name
            if last.updateValue(position, forKey: tickets[position].id) != nil { repeated = true }
        }
        guard repeated else { return }
        var kept: [Ticket] = []
        kept.reserveCapacity(last.count)
        let lines = alignedLines
        for (position, ticket) in tickets.enumerated() {
            guard let later = last[ticket.id], later != position else {
                kept.append(ticket)
                continue
            }
            problems.append(RecordProblem(
                source: name.isEmpty ? "tickets" : name, location: location(of: position, lines), recordID: ticket.id,
                message: "the id appears again later in the same source\(lines.map { " (line \($0[later]))" } ?? ""); "
                    + "the later record is used"))
        }
        tickets = kept
    }

    /// A ticket whose id is empty (or only spaces) is no ticket: it could never be named,
    /// acknowledged or told apart from another. Reported, like a record without an id.
    private mutating func dropEmptyIDs(source name: String) {
        guard tickets.contains(where: { $0.id.allSatisfy(\.isWhitespace) }) else { return }
        var kept: [Ticket] = [], keptLines: [Int32] = []
        let lines = alignedLines
        for (position, ticket) in tickets.enumerated() {
            guard ticket.id.allSatisfy(\.isWhitespace) else {
                kept.append(ticket)
                if let lines { keptLines.append(lines[position]) }
                continue
            }
            problems.append(RecordProblem(
                source: name.isEmpty ? "tickets" : name, location: location(of: position, lines),
                message: "the id is empty; every ticket needs one", skipsRecord: true))
        }
        tickets = kept
        recordLines = lines == nil ? nil : keptLines
    }

    /// `recordLines` when it holds a line for each ticket.
    private var alignedLines: [Int32]? { recordLines.flatMap { $0.count == tickets.count ? $0 : nil } }

    /// `FILE:LINE` of the ticket at `position`, when the source said where its records start.
    private func location(of position: Int, _ lines: [Int32]?) -> String? {
        guard let lines, let file else { return nil }
        return "\(file):\(lines[position])"
    }
}
