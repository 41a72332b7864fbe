import Foundation
public import SLAEngine
public import Transport

/// Tickets from Freshdesk's ticket list, read incrementally by `updated_since` in
/// `updated_at` order and merged into a view of every ticket seen so far.
///
/// Each poll asks for the tickets updated since the latest `updated_at` it has seen (the
/// first, since now − `initialLookback`), with `include=stats,requester`, following the
/// `Link: <…>; rel="next"` header from page to page (Freshdesk stops at page 300; the next
/// poll continues from where that left off). The watermark and the view are kept in the
/// `CursorStore`. `stats` gives `first_responded_at` (the first response), `resolved_at`
/// (else `closed_at`) for `solved_at`, and `pending_since` as a status event.
///
/// Freshdesk's list leaves out deleted and spam tickets unless asked for them with
/// `filter=deleted` or `filter=spam`, so each poll also reads those two lists, updated
/// since the same watermark and paged the same way. A ticket the view holds that turns up
/// there is reported `closed` (its `updated_at`, the deletion, as `solved_at`) in that
/// poll, so the daemon sees it close, and dropped at the next like any settled ticket; one
/// the view does not hold is passed over. When the service refuses one of those lists (a
/// 4xx such as 403, or an answer that is not a list), the rest of the poll still counts and
/// the refusal is reported once, its recovery once more (`OptionalLookup`).
///
/// Polls run one at a time: an overlapping call waits for the running one to finish.
public actor FreshdeskSource: TicketSource {
    /// The source's name in the configuration.
    public nonisolated let name: String
    /// What the source was made with.
    public nonisolated let settings: FreshdeskSettings
    private let client: SourceClient
    private let clock: any DeliveryClock
    private let vocabulary: VendorVocabulary
    private var state: State?
    private let gate = PollGate()
    /// The watermark and the view, in the cursor store.
    private var progress: SourceProgress
    /// The `deleted` and `spam` lists, by filter: an agent without the permission to see
    /// them, or a plan without them, is refused.
    private var closingLists: [String: OptionalLookup]

    /// Freshdesk's status and priority codes on the canonical ones; statuses 6 and up are
    /// custom, `open` unless `status_map` names them.
    public static let defaultMapping = CanonicalMapping(
        statuses: ["2": .open, "3": .pendingCustomer, "4": .solved, "5": .closed],
        priorities: ["1": .low, "2": .normal, "3": .high, "4": .urgent])

    /// Freshdesk's `source` codes as channel names.
    static let channels: [String: String] = [
        "1": "email", "2": "portal", "3": "phone", "7": "chat", "9": "feedback_widget", "10": "outbound_email",
    ]

    struct State: Sendable {
        /// The latest `updated_at` seen, the next `updated_since`.
        var watermark: Date?
        var view = IncrementalView()
    }

    /// The source; nothing is read until the first poll.
    public init(
        settings: FreshdeskSettings, cursors: any CursorStore, transport: any HTTPTransport,
        clock: any DeliveryClock = SystemDeliveryClock()
    ) {
        name = settings.name
        self.settings = settings
        progress = SourceProgress(
            cursors: cursors, source: settings.name, host: SourceClient.host(of: settings.url), keepsView: settings.persistView)
        self.clock = clock
        client = settings.client(transport: transport, clock: clock)
        vocabulary = VendorVocabulary(
            defaults: FreshdeskSource.defaultMapping, overrides: settings.mapping, unknownStatus: .open)
        var lists: [String: OptionalLookup] = [:]
        for (filter, what) in FreshdeskSource.closingFilters {
            lists[filter] = OptionalLookup(
                source: settings.name, what: "the list of \(what) tickets (filter=\(filter))",
                meanwhile: "tickets are still polled, but one \(what) while open stays open here until it is back",
                grant: "let the API key's agent see \(what) tickets")
        }
        closingLists = lists
    }

    /// The lists of tickets that leave Freshdesk's main list: filter → what it holds.
    static let closingFilters = [("deleted", "deleted"), ("spam", "marked spam")]

    private var host: String { SourceClient.host(of: settings.url) }

    /// Reads what changed since the last poll and returns the whole merged view.
    public func poll() async throws(SourceError) -> TicketBatch {
        await gate.enter()
        defer { gate.leave() }
        let now = clock.date()
        var state: State
        if let held = self.state { state = held } else { state = try loadState() }
        var client = self.client
        var problems: [RecordProblem] = []
        state.view.beginPoll()
        do throws(SourceError) {
            try await readTickets(&client, &state, now: now, problems: &problems)
        } catch {
            self.state = state
            try? save(state, at: now)
            throw error
        }
        let tickets = state.view.endPoll()
        self.state = state
        try save(state, at: now)
        return TicketBatch(tickets: tickets, problems: problems)
    }

    private func readTickets(
        _ client: inout SourceClient, _ state: inout State, now: Date, problems: inout [RecordProblem]
    ) async throws(SourceError) {
        let since = Query.encode(Timestamp(state.watermark ?? now.addingTimeInterval(-settings.initialLookback)).description)
        let list = "\(settings.base)/api/v2/tickets?updated_since=\(since)"
        // Values no map names, taken as a default all the same: said once a poll.
        var guessed: Set<String> = []
        let more = try await readPages(&client, list + "&include=stats,requester&order_by=updated_at&order_type=asc&per_page=100") { item in
            if let updated = item["updated_at"].flatMap(VendorTime.parse), updated > (state.watermark ?? .distantPast) {
                state.watermark = updated
            }
            do throws(RecordFailure) {
                state.view.merge(try ticket(from: item))
                if let status = item["status"]?.text, !vocabulary.knows(status: status) {
                    guessed.insert(VendorVocabulary.guessed("status", status, as: "open", mapKey: "status_map"))
                }
            } catch {
                problems.append(RecordProblem(source: name, recordID: item["id"]?.text, message: error.message))
            }
        }
        problems += guessed.sorted().map { RecordProblem(source: name, message: $0) }
        if more {
            // Not an error: the next poll goes on from the latest update read.
            problems.append(RecordProblem(source: name, message: "more tickets were updated than one poll reads "
                + "(\(min(settings.http.maxPages, FreshdeskSource.pageLimit)) pages); the next poll reads on from the last one read"))
        }
        for (filter, what) in FreshdeskSource.closingFilters {
            do throws(SourceError) {
                try await readPages(&client, list + "&filter=\(filter)&order_by=updated_at&order_type=asc&per_page=100") { item in
                    close(item, as: what, in: &state.view, problems: &problems)
                }
                if let notice = closingLists[filter]?.answered() { problems.append(notice) }
            } catch where OptionalLookup.refuses(error) {
                if let notice = closingLists[filter]?.refused(error) { problems.append(notice) }
            }
        }
    }

    /// Reads a ticket list page after page, following the `Link` header, handing each item
    /// to `read`. A next link to a page already read is refused (it would be read again
    /// and again, each time at the cost of the account's API quota). True when the list
    /// went on past the last page read (Freshdesk's 300, or `maxPages`).
    @discardableResult
    private func readPages(
        _ client: inout SourceClient, _ first: String, _ read: (JSONValue) -> Void
    ) async throws(SourceError) -> Bool {
        var next = first
        var seen: Set<String> = [first]
        for page in 1...max(1, min(settings.http.maxPages, FreshdeskSource.pageLimit)) {
            let response = try await client.send(.get, next)
            guard let items = JSONValue.parse(response.body)?.array else {
                throw badResponse("page \(page) of the ticket list is not a JSON list")
            }
            items.forEach(read)
            guard let link = response.header("Link").flatMap({ LinkHeader.target($0) }) else { return false }
            guard let resolved = PageURL.resolve(link, against: next, base: settings.base) else {
                throw badResponse("the next-page link points away from the configured host; not following it with the API key")
            }
            guard seen.insert(resolved).inserted else {
                throw badResponse("the next-page link of page \(page) points to a page already read; not reading it again")
            }
            next = resolved
        }
        return true
    }

    /// The last page Freshdesk serves of a list.
    static let pageLimit = 300

    /// Reports a held ticket that was deleted or marked spam as closed at its `updated_at`.
    private func close(_ item: JSONValue, as filter: String, in view: inout IncrementalView, problems: inout [RecordProblem]) {
        guard let id = item["id"]?.text, var ticket = view.tickets[id], !ticket.status.isSolved else { return }
        guard let updated = item["updated_at"].flatMap(VendorTime.parse) else {
            problems.append(RecordProblem(source: name, recordID: id, message: "listed as \(filter) without a readable \"updated_at\""))
            return
        }
        ticket.status = .closed
        ticket.updatedAt = updated
        ticket.solvedAt = updated
        view.merge(ticket)
    }

    /// One listed ticket in the canonical form.
    func ticket(from item: JSONValue) throws(RecordFailure) -> Ticket {
        guard let id = item["id"]?.text else { throw RecordFailure("missing \"id\"") }
        guard let rawStatus = item["status"]?.text else { throw RecordFailure("missing \"status\"") }
        guard let status = vocabulary.status(rawStatus) else {
            throw RecordFailure(VendorVocabulary.unmapped("status", rawStatus, mapKey: "status_map"))
        }
        var priority = TicketPriority.normal
        if let raw = item["priority"]?.text {
            guard let mapped = vocabulary.priority(raw) else {
                throw RecordFailure(VendorVocabulary.unmapped("priority", raw, mapKey: "priority_map"))
            }
            priority = mapped
        }
        let created = try RecordFailure.requiredTime(item["created_at"], "created_at")
        let updated = try RecordFailure.optionalTime(item["updated_at"], "updated_at")
        let stats = item["stats"]
        let firstResponse = try RecordFailure.optionalTime(stats?["first_responded_at"], "stats.first_responded_at")
        var solvedAt: Date?
        if status.isSolved {
            solvedAt = try RecordFailure.optionalTime(stats?["resolved_at"], "stats.resolved_at")
            if solvedAt == nil { solvedAt = try RecordFailure.optionalTime(stats?["closed_at"], "stats.closed_at") }
        }
        var events: [TicketEvent] = []
        if status == .pendingCustomer || status == .onHold,
           let since = try RecordFailure.optionalTime(stats?["pending_since"], "stats.pending_since")
        {
            events.append(TicketEvent(at: since, .status(status)))
        }
        let requester = item["requester"]
        let customer = Customer(
            id: requester?["id"]?.text ?? item["requester_id"]?.text ?? "", name: requester?["name"]?.string,
            email: requester?["email"]?.string)
        let channel = item["source"]?.text.map { FreshdeskSource.channels[$0] ?? $0 }
        return Ticket(
            id: id, subject: item["subject"]?.string ?? "", customer: customer, priority: priority, channel: channel,
            status: status, group: item["group_id"]?.text, assignee: item["responder_id"]?.text,
            tags: RecordFailure.tags(item["tags"]), url: "\(settings.base)/a/tickets/\(id)", createdAt: created,
            updatedAt: updated, firstResponseAt: firstResponse, solvedAt: solvedAt, events: events)
    }

    // MARK: Resuming

    private func loadState() throws(SourceError) -> State {
        var state = State()
        state.watermark = try progress.value().flatMap { Timestamp(rfc3339: $0)?.date }
        state.view = try progress.loadView()
        return state
    }

    private func save(_ state: State, at now: Date) throws(SourceError) {
        try progress.saveView(state.view, at: now)
        if let watermark = state.watermark { try progress.save(Timestamp(watermark).description, at: now) }
    }

    private func badResponse(_ what: String) -> SourceError {
        SourceError(
            code: .badResponse, source: name, host: host,
            message: "\(what); check that url points at a Freshdesk account", recoverable: true)
    }
}
