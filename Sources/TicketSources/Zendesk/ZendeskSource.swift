import Foundation
public import SLAEngine
public import Transport

/// Tickets from Zendesk's cursor-based incremental ticket export, merged into a view of
/// every ticket seen so far.
///
/// The first poll asks for `start_time` (now − `initialLookback`), later ones for the saved
/// cursor, page after page until `end_of_stream`; the cursor, the metric-events time and the
/// merged view are kept in the `CursorStore`, so a new instance resumes where the last one
/// stopped. Users, groups and metric sets are side-loaded: the requester becomes the
/// customer (id, name, email, time zone), the group and assignee are their names when
/// side-loaded and their ids otherwise, and `solved_at` comes from the metric set. Deleted
/// tickets map to `closed`.
///
/// The reply history comes from the ticket metric events export (see
/// `ZendeskSettings.FirstResponse`), read incrementally by `start_time`: the `reply_time`
/// metric's instance 1 fulfilment is `first_response_at`, and each instance is a reply
/// owed, so its `activate` (for instances after the first) is a `customer_message` event
/// and its `fulfill` a public `agent_reply` event (`ZendeskReplyHistory` has the table).
/// These events stay with the ticket in the view, across polls and newer versions of the
/// ticket, once each and in time order, and drive the `next_reply` cycles. Events for a
/// ticket the view does not hold are passed over: the change that made them brings the
/// ticket in the same export window.
///
/// When the metric events export is refused (HTTP 403 for an API user who may not read
/// incremental exports, 404, or an answer that is not the documented one), tickets are still
/// polled: the refusal is reported once (`OptionalLookup`) and the recovery once, first
/// responses come from the side-loaded metric sets meanwhile (creation + the calendar reply
/// time, to the minute), and `next_reply` has no new cycles.
///
/// When the export refuses the saved cursor (HTTP 400 or 422, as Zendesk answers an expired
/// or unknown one), the cursor is dropped and the same poll restarts the export from
/// `start_time` = the latest `updated_at` the view holds less 5 minutes (now −
/// `initialLookback` for an empty view), reporting one `RecordProblem` that says so.
///
/// Polls run one at a time: an overlapping call waits for the running one to finish.
public actor ZendeskSource: TicketSource {
    /// The source's name in the configuration.
    public nonisolated let name: String
    /// What the source was made with.
    public nonisolated let settings: ZendeskSettings
    private let client: SourceClient
    private let clock: any DeliveryClock
    private let vocabulary: VendorVocabulary
    private var state: State?
    private let gate = PollGate()
    /// The cursor, the metric-events time and the view, in the cursor store.
    private var progress: SourceProgress
    /// The ticket metric events export, which an API user without access to incremental
    /// exports, or a plan without it, is refused.
    private var replyHistory: OptionalLookup

    /// Zendesk's statuses and priorities on the canonical ones; `status_map` and
    /// `priority_map` override them. A missing or null priority is `normal`.
    public static let defaultMapping = CanonicalMapping(
        statuses: [
            "new": .new, "open": .open, "pending": .pendingCustomer, "hold": .onHold, "solved": .solved,
            "closed": .closed, "deleted": .closed,
        ],
        priorities: ["urgent": .urgent, "high": .high, "normal": .normal, "low": .low])

    /// What a poll resumes from.
    struct State: Sendable {
        var cursor: String?
        /// The saved cursor was refused and dropped; until a new one comes, an empty value
        /// replaces it in the store.
        var cursorDropped = false
        /// The next `start_time` of the metric events export, epoch seconds.
        var metricEventsSince: Int64?
        var view = IncrementalView()
    }

    /// The source; nothing is read until the first poll.
    public init(
        settings: ZendeskSettings, cursors: any CursorStore, transport: any HTTPTransport,
        clock: any DeliveryClock = SystemDeliveryClock()
    ) {
        name = settings.name
        self.settings = settings
        progress = SourceProgress(
            cursors: cursors, source: settings.name, host: SourceClient.host(of: settings.url), keepsView: settings.persistView)
        self.clock = clock
        client = settings.client(transport: transport, clock: clock)
        vocabulary = VendorVocabulary(defaults: ZendeskSource.defaultMapping, overrides: settings.mapping)
        replyHistory = OptionalLookup(
            source: settings.name, what: "the reply history (ticket metric events)",
            meanwhile: "tickets are still polled; first responses come from the metric sets, to the minute, and next_reply "
                + "has no cycles until it is back", grant: "let the API user read incremental exports (an admin)")
    }

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
        var replies = ZendeskReplyHistory()
        do throws(SourceError) {
            var metricSince: Int64?
            if settings.firstResponse == .metricEvents {
                do throws(SourceError) {
                    metricSince = try await readMetricEvents(&client, since: state.metricEventsSince, now: now, into: &replies)
                    if let notice = replyHistory.answered() { problems.append(notice) }
                } catch where OptionalLookup.refuses(error) {
                    if let notice = replyHistory.refused(error) { problems.append(notice) }
                }
            }
            try await readTickets(&client, &state, now: now, problems: &problems)
            if let metricSince { state.metricEventsSince = metricSince }
        } catch {
            apply(replies, to: &state)
            self.state = state
            try? save(state, at: now)
            throw error
        }
        apply(replies, to: &state)
        let tickets = state.view.endPoll()
        self.state = state
        try save(state, at: now)
        return TicketBatch(tickets: tickets, problems: problems)
    }

    // MARK: Tickets

    /// How far before the latest change the view holds an export restarts when Zendesk
    /// refuses the saved cursor: changes read twice merge harmlessly.
    static let restartMargin: TimeInterval = 300

    private func readTickets(
        _ client: inout SourceClient, _ state: inout State, now: Date, problems: inout [RecordProblem]
    ) async throws(SourceError) {
        let include = "include=users,groups,metric_sets"
        let export = "\(settings.base)/api/v2/incremental/tickets/cursor.json"
        func url(cursor: String) -> String { "\(export)?cursor=\(Query.encode(cursor))&\(include)" }
        func url(start: Date) -> String { "\(export)?start_time=\(Int64(start.timeIntervalSince1970))&\(include)" }
        var next = state.cursor.map(url(cursor:)) ?? url(start: now.addingTimeInterval(-settings.initialLookback))
        var restarted = false
        var page = 0
        while page < max(1, settings.http.maxPages) {
            page += 1
            let response: HTTPResponse
            do throws(SourceError) {
                response = try await client.send(.get, next)
            } catch {
                guard state.cursor != nil, !restarted, ZendeskSource.refusesCursor(error) else { throw error }
                // The cursor expired or is no longer valid: start again from what the view holds.
                let latest = state.view.latestUpdate
                let start = Date(timeIntervalSince1970: (latest.map { $0.addingTimeInterval(-ZendeskSource.restartMargin) }
                    ?? now.addingTimeInterval(-settings.initialLookback)).timeIntervalSince1970.rounded(.down))
                let why = latest == nil ? "now less the initial lookback, the view being empty"
                    : "\(Int(ZendeskSource.restartMargin / 60)) minutes before the latest change the view holds"
                problems.append(RecordProblem(
                    source: name,
                    message: "Zendesk refused the saved export cursor (\(error.message)); dropped it and restarted the export"
                        + " from \(Timestamp(start)), \(why)"))
                state.cursor = nil
                state.cursorDropped = true
                restarted = true
                page = 0
                next = url(start: start)
                continue
            }
            guard let document = JSONValue.parse(response.body), let items = document["tickets"]?.array else {
                throw badResponse("page \(page) of the ticket export has no \"tickets\" list")
            }
            let sideLoads = SideLoads(document)
            for item in items {
                do {
                    let ticket = try ticket(from: item, sideLoads)
                    state.view.merge(ticket)
                    if !replyHistory.isAvailable, state.view.tickets[ticket.id]?.firstResponseAt == nil,
                       let estimate = estimatedFirstResponse(of: ticket, sideLoads) {
                        state.view.setFirstResponse(estimate, ticketID: ticket.id)
                    }
                } catch {
                    problems.append(RecordProblem(source: name, recordID: item["id"]?.text, message: error.message))
                }
            }
            let endOfStream = document["end_of_stream"]?.bool ?? true
            let requested = state.cursor
            if let after = document["after_cursor"]?.string, !after.isEmpty { state.cursor = after }
            if endOfStream { return }
            guard let cursor = state.cursor, cursor != requested else {
                throw badResponse("page \(page) of the ticket export is not the last but gives no new after_cursor")
            }
            next = url(cursor: cursor)
        }
        // Out of pages for this poll: the saved cursor continues at the next one.
    }

    /// Whether an error answers a request with a cursor the export no longer accepts: Zendesk
    /// refuses an expired or unknown cursor with HTTP 400 or 422 and an `{"error": …,
    /// "description": …}` body. Nothing else of the request can be wrong, the rest being fixed.
    static func refusesCursor(_ error: SourceError) -> Bool {
        error.code == .clientError && (error.status == 400 || error.status == 422)
    }

    /// The side-loaded records of one page, by id.
    struct SideLoads {
        var users: [String: JSONValue] = [:]
        var groups: [String: JSONValue] = [:]
        var metricSets: [String: JSONValue] = [:]

        init(_ document: JSONValue) {
            func index(_ key: String, by idKey: String) -> [String: JSONValue] {
                var result: [String: JSONValue] = [:]
                for item in document[key]?.array ?? [] {
                    if let id = item[idKey]?.text { result[id] = item }
                }
                return result
            }
            users = index("users", by: "id")
            groups = index("groups", by: "id")
            metricSets = index("metric_sets", by: "ticket_id")
        }

        init() {}
    }

    /// One exported ticket in the canonical form.
    func ticket(from item: JSONValue, _ sideLoads: SideLoads) throws(RecordFailure) -> Ticket {
        guard let id = item["id"]?.text else { throw RecordFailure("missing \"id\"") }
        guard let rawStatus = item["status"]?.string else { throw RecordFailure("missing \"status\"") }
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
        let requesterID = item["requester_id"]?.text
        let requester = requesterID.flatMap { sideLoads.users[$0] }
        let customer = Customer(
            id: requesterID ?? "", name: requester?["name"]?.string, email: requester?["email"]?.string,
            timeZone: requester?["iana_time_zone"]?.string)
        let groupID = item["group_id"]?.text
        let assigneeID = item["assignee_id"]?.text
        var solvedAt: Date?
        if status.isSolved, let metrics = sideLoads.metricSets[id] {
            solvedAt = try RecordFailure.optionalTime(metrics["solved_at"], "metric_sets.solved_at")
        }
        return Ticket(
            id: id, subject: item["subject"]?.string ?? item["raw_subject"]?.string ?? "", customer: customer,
            priority: priority, channel: item["via"]?["channel"]?.text, status: status,
            group: groupID.map { sideLoads.groups[$0]?["name"]?.string ?? $0 },
            assignee: assigneeID.map { sideLoads.users[$0]?["name"]?.string ?? $0 },
            tags: RecordFailure.tags(item["tags"]), url: "\(settings.base)/agent/tickets/\(id)", createdAt: created,
            updatedAt: updated, solvedAt: solvedAt)
    }

    // MARK: Reply history

    /// The first response from the side-loaded metric set (creation + `reply_time_in_minutes`
    /// in calendar minutes), for while the metric events are refused; nil without a reply.
    func estimatedFirstResponse(of ticket: Ticket, _ sideLoads: SideLoads) -> Date? {
        guard let minutes = sideLoads.metricSets[ticket.id]?["reply_time_in_minutes"]?["calendar"]?.int else { return nil }
        return ticket.createdAt.addingTimeInterval(TimeInterval(minutes) * 60)
    }

    /// Reads the ticket metric events since `since` into `replies`; returns the next
    /// `start_time`.
    private func readMetricEvents(
        _ client: inout SourceClient, since: Int64?, now: Date, into replies: inout ZendeskReplyHistory
    ) async throws(SourceError) -> Int64 {
        var start = since ?? Int64(now.timeIntervalSince1970 - settings.initialLookback)
        for page in 1...max(1, settings.http.maxPages) {
            let url = "\(settings.base)/api/v2/incremental/ticket_metric_events.json?start_time=\(start)"
            let response = try await client.send(.get, url)
            guard let document = JSONValue.parse(response.body), let events = document["ticket_metric_events"]?.array else {
                throw badResponse("page \(page) of the ticket metric events has no \"ticket_metric_events\" list")
            }
            for event in events { replies.read(event) }
            let end = document["end_time"]?.int
            let endOfStream = document["end_of_stream"]?.bool ?? (document["next_page"]?.string == nil)
            guard let end, end > start else { return max(start, end ?? start) }
            start = end
            if endOfStream || events.isEmpty { return start }
        }
        return start
    }

    private func apply(_ replies: ZendeskReplyHistory, to state: inout State) {
        guard !replies.isEmpty else { return }
        for (ticketID, at) in replies.firstReplies { state.view.setFirstResponse(at, ticketID: ticketID) }
        for (ticketID, events) in replies.conversations { state.view.addConversation(events, ticketID: ticketID) }
    }

    // MARK: Resuming

    private func loadState() throws(SourceError) -> State {
        var state = State()
        // An empty value is a cursor dropped because Zendesk refused it.
        state.cursor = try progress.value().flatMap { $0.isEmpty ? nil : $0 }
        state.metricEventsSince = try progress.value("metric_events").flatMap { Int64($0) }
        state.view = try progress.loadView()
        return state
    }

    /// Saves the view first and the cursor last: a crash in between re-reads pages, which
    /// merge harmlessly, rather than skip them.
    private func save(_ state: State, at now: Date) throws(SourceError) {
        try progress.saveView(state.view, at: now)
        if let since = state.metricEventsSince { try progress.save(String(since), "metric_events", at: now) }
        if let cursor = state.cursor ?? (state.cursorDropped ? "" : nil) { try progress.save(cursor, at: now) }
    }

    private func badResponse(_ what: String) -> SourceError {
        SourceError(
            code: .badResponse, source: name, host: host,
            message: "\(what); check that url points at a Zendesk account", recoverable: true)
    }
}
