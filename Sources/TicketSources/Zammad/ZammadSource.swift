import Foundation
public import SLAEngine
public import Transport

/// Tickets from Zammad's ticket search (`GET /api/v1/tickets/search?…&expand=true`), page
/// after page until a short one.
///
/// A snapshot source: each poll returns what the query matches now. State and priority
/// ids are resolved through `/api/v1/ticket_states` and `/api/v1/ticket_priorities`, read
/// once per poll (the expanded names are the fallback). The ticket number is the ticket id
/// (the API id is in the URL); `close_at` is `solved_at` and `first_response_at` comes
/// as it is. A state no map names is `open`; a priority is matched by its name, then by
/// the name without its leading rank (`4 urgent` → `urgent`), else `normal`.
///
/// The search returns neither tags nor the customer's name, so the source looks them up,
/// sparing a large helpdesk one request per ticket per poll:
/// - tags through `/api/v1/tags?object=Ticket&o_id=ID` (`{"tags": [...]}`), for a ticket
///   seen for the first time or whose `updated_at` changed since the last poll; otherwise
///   the tags read before (so a tag change that leaves `updated_at` alone shows at the
///   ticket's next change);
/// - the customer through `/api/v1/users/ID` (`firstname` and `lastname` make the name,
///   `email` the address), kept per source by user id and read again when a ticket's
///   customer changes to that user; users no ticket of the last poll names are forgotten.
/// A lookup the service refuses for one record (a 404 or another client error, such as a
/// user since deleted) is reported as a problem with the ticket's number, which keeps the
/// search's values, and is tried again at the next poll. A lookup refused as a whole (a 403
/// for a token without the permission, an answer that is not the documented one), the state
/// and priority tables included, is not asked again in that poll; the refusal is reported
/// once and its recovery once more (`OptionalLookup`), and the tickets are still returned.
///
/// Polls run one at a time: an overlapping call waits for the running one to finish.
public actor ZammadSource: TicketSource {
    /// The source's name in the configuration.
    public nonisolated let name: String
    /// What the source was made with.
    public nonisolated let settings: ZammadSettings
    private let client: SourceClient
    private let vocabulary: VendorVocabulary
    private let gate = PollGate()
    /// What the last poll learned of each ticket, by API id.
    private var seen: [String: Seen] = [:]
    /// Customers looked up, by user id.
    private var users: [String: Person] = [:]
    /// `/api/v1/tags`, `/api/v1/users/ID` and the state and priority tables, which a token
    /// without the permissions to read them is refused (`OptionalLookup`).
    private var tagLookup, userLookup, nameLookup: OptionalLookup

    /// One ticket as the last poll left it.
    struct Seen: Sendable {
        var updatedAt: Date?
        var customerID: String
        var tags: [String]
    }

    /// A user's name and address, as `/api/v1/users/ID` gives them.
    struct Person: Sendable, Hashable {
        var name: String?
        var email: String?
    }

    /// Open and pending tickets, and those updated in the last day.
    public static let defaultQuery =
        "state.name:(new OR open OR \"pending reminder\" OR \"pending close\") OR updated_at:>now-1d"

    /// The search for the tickets in `openStates` (the states of the system's table that
    /// are not solved or closed, custom ones included), and those updated in the last day
    /// so that closings are seen; `defaultQuery` when the table could not be read.
    static func query(openStates: [String]) -> String {
        guard !openStates.isEmpty else { return defaultQuery }
        let names = Set(openStates).sorted().map { name in
            name.contains(where: { $0 == " " || $0 == "\"" || $0 == "(" || $0 == ")" || $0 == ":" })
                ? "\"" + name.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : name
        }
        return "state.name:(\(names.joined(separator: " OR "))) OR updated_at:>now-1d"
    }

    /// Zammad's stock states and priorities on the canonical ones.
    public static let defaultMapping = CanonicalMapping(
        statuses: [
            "new": .new, "open": .open, "pending reminder": .onHold, "pending close": .pendingCustomer,
            "closed": .closed, "merged": .closed, "removed": .closed,
        ],
        priorities: ["1 low": .low, "2 normal": .normal, "3 high": .high])

    /// The source; nothing is read until the first poll.
    public init(settings: ZammadSettings, transport: any HTTPTransport, clock: any DeliveryClock = SystemDeliveryClock()) {
        name = settings.name
        self.settings = settings
        client = SourceClient(
            source: settings.name, transport: transport, clock: clock, settings: settings.http,
            authorization: HTTPHeader("Authorization", secret: Secret("Token token=\(settings.token.reveal())")),
            secrets: [settings.token.reveal()], showsPaths: true)
        vocabulary = VendorVocabulary(defaults: ZammadSource.defaultMapping, overrides: settings.mapping, unknownStatus: .open)
        let grant = "give the token's user the permission to read them"
        tagLookup = OptionalLookup(
            source: settings.name, what: "the tag lookup (/api/v1/tags)",
            meanwhile: "tickets are still polled with the tags read before, and policies matching tags may not apply", grant: grant)
        userLookup = OptionalLookup(
            source: settings.name, what: "the customer lookup (/api/v1/users)",
            meanwhile: "tickets are still polled with the customer's login as address and no name", grant: grant)
        nameLookup = OptionalLookup(
            source: settings.name, what: "the state and priority lookup (/api/v1/ticket_states, /api/v1/ticket_priorities)",
            meanwhile: "tickets are still polled with the names the search expands", grant: grant)
    }

    private nonisolated var host: String { SourceClient.host(of: settings.url) }

    /// Reads every ticket the query matches now, with its tags and customer.
    public func poll() async throws(SourceError) -> TicketBatch {
        await gate.enter()
        defer { gate.leave() }
        var client = self.client
        var batch = TicketBatch(tickets: [])
        var states: [String: String] = [:], priorities: [String: String] = [:]
        do throws(SourceError) {
            states = try await names(&client, "ticket_states")
            priorities = try await names(&client, "ticket_priorities")
            if let notice = nameLookup.answered() { batch.problems.append(notice) }
        } catch where OptionalLookup.refuses(error) {
            if let notice = nameLookup.refused(error) { batch.problems.append(notice) }
        }
        var apiIDs: [String] = []
        let perPage = max(1, settings.pageSize)
        let query = Query.encode(settings.query ?? ZammadSource.query(openStates: states.values.filter { name in
            !(vocabulary.status(name)?.isSolved ?? false)
        }))
        var complete = false
        // Values no map names, taken as a default all the same: said once a poll.
        var guessed: Set<String> = []
        for page in 1...max(1, settings.http.maxPages) {
            let url = "\(settings.base)/api/v1/tickets/search?query=\(query)&page=\(page)&per_page=\(perPage)"
                + "&expand=true&sort_by=created_at&order_by=asc"
            let response = try await client.send(.get, url)
            let document = JSONValue.parse(response.body)
            guard let items = document?.array ?? document?["tickets"]?.array?.filter({ $0.object != nil }) else {
                throw badResponse("page \(page) of the ticket search is not a list of tickets")
            }
            for item in items {
                do {
                    batch.tickets.append(try ticket(from: item, states: states, priorities: priorities))
                    apiIDs.append(item["id"]?.text ?? "")
                    guessed.formUnion(guesses(in: item, states: states, priorities: priorities))
                } catch {
                    batch.problems.append(RecordProblem(
                        source: name, recordID: item["number"]?.text ?? item["id"]?.text, message: error.message))
                }
            }
            if items.count < perPage {
                complete = true
                break
            }
        }
        guard complete else {
            throw SourceError(
                code: .badResponse, source: name, host: host,
                message: "the search for open and recently updated tickets has more than \(settings.http.maxPages) pages, "
                    + "the source's limit for one poll; its tickets past them cannot be read: raise max_pages", recoverable: false)
        }
        try await lookUp(&client, &batch, apiIDs: apiIDs)
        batch.problems += guessed.sorted().map { RecordProblem(source: name, message: $0) }
        return batch
    }

    // MARK: Tags and customers

    /// Fills in each ticket's tags and customer from what is known, reading what is not.
    private func lookUp(_ client: inout SourceClient, _ batch: inout TicketBatch, apiIDs: [String]) async throws(SourceError) {
        var nowSeen: [String: Seen] = [:]
        var readUsers: Set<String> = []
        // Refused once in this poll, an endpoint is not asked again until the next.
        var tagsRefused = false, usersRefused = false
        var tagsAnswered = false, usersAnswered = false
        for (index, apiID) in apiIDs.enumerated() {
            var ticket = batch.tickets[index]
            let customerID = ticket.customer.id
            let before = seen[apiID]
            let changed = before == nil || before?.updatedAt == nil || before?.updatedAt != ticket.updatedAt
            var now = Seen(updatedAt: ticket.updatedAt, customerID: customerID, tags: ticket.tags)
            if changed && !tagsRefused {
                do throws(SourceError) {
                    now.tags = try await tags(&client, apiID: apiID)
                    tagsAnswered = true
                } catch where error.code == .clientError || error.code == .notFound {
                    batch.problems.append(RecordProblem(source: name, recordID: ticket.id, message: "cannot read the tags (\(error.message))"))
                    now.updatedAt = nil
                } catch where OptionalLookup.refuses(error) {
                    tagsRefused = true
                    if let notice = tagLookup.refused(error) { batch.problems.append(notice) }
                }
            }
            if changed && tagsRefused {
                now.tags = before?.tags ?? ticket.tags
                now.updatedAt = nil
            } else if !changed, let before {
                now.tags = before.tags
            }
            ticket.tags = now.tags
            if !customerID.isEmpty {
                let moved = changed && before != nil && before?.customerID != customerID
                if (users[customerID] == nil || moved) && !readUsers.contains(customerID) && !usersRefused {
                    do throws(SourceError) {
                        users[customerID] = try await person(&client, userID: customerID)
                        readUsers.insert(customerID)
                        usersAnswered = true
                    } catch where error.code == .clientError || error.code == .notFound {
                        batch.problems.append(RecordProblem(
                            source: name, recordID: ticket.id, message: "cannot read customer \(customerID) (\(error.message))"))
                    } catch where OptionalLookup.refuses(error) {
                        usersRefused = true
                        if let notice = userLookup.refused(error) { batch.problems.append(notice) }
                    }
                }
                if let person = users[customerID] {
                    ticket.customer.name = person.name ?? ticket.customer.name
                    ticket.customer.email = person.email ?? ticket.customer.email
                }
            }
            batch.tickets[index] = ticket
            nowSeen[apiID] = now
        }
        if tagsAnswered, let notice = tagLookup.answered() { batch.problems.append(notice) }
        if usersAnswered, let notice = userLookup.answered() { batch.problems.append(notice) }
        seen = nowSeen
        let named = Set(batch.tickets.map(\.customer.id))
        users = users.filter { named.contains($0.key) }
    }

    /// `GET /api/v1/tags?object=Ticket&o_id=ID`: `{"tags": ["…"]}`.
    private func tags(_ client: inout SourceClient, apiID: String) async throws(SourceError) -> [String] {
        let response = try await client.send(.get, "\(settings.base)/api/v1/tags?object=Ticket&o_id=\(Query.encode(apiID))")
        guard let list = JSONValue.parse(response.body)?["tags"], list.array != nil else {
            throw badResponse("/api/v1/tags for ticket \(apiID) has no \"tags\" list")
        }
        return RecordFailure.tags(list)
    }

    /// `GET /api/v1/users/ID`: the name from `firstname` and `lastname`, the address from
    /// `email` (else a `login` that is one).
    private func person(_ client: inout SourceClient, userID: String) async throws(SourceError) -> Person {
        let response = try await client.send(.get, "\(settings.base)/api/v1/users/\(Query.encode(userID))")
        guard let user = JSONValue.parse(response.body), user.object != nil else {
            throw badResponse("/api/v1/users/\(userID) is not a user")
        }
        let name = [user["firstname"]?.string, user["lastname"]?.string].compactMap { $0 }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        let email = [user["email"]?.string, user["login"]?.string].compactMap { $0 }.first { $0.contains("@") }
        return Person(name: name.isEmpty ? nil : name, email: email)
    }

    /// An id → name table (`/api/v1/ticket_states`, `/api/v1/ticket_priorities`).
    private nonisolated func names(_ client: inout SourceClient, _ resource: String) async throws(SourceError) -> [String: String] {
        let response = try await client.send(.get, "\(settings.base)/api/v1/\(resource)")
        guard let list = JSONValue.parse(response.body)?.array else {
            throw badResponse("/api/v1/\(resource) is not a list")
        }
        var table: [String: String] = [:]
        for item in list {
            if let id = item["id"]?.text, let name = item["name"]?.string { table[id] = name }
        }
        return table
    }

    /// One ticket in the canonical form, as the search gives it.
    /// The notes for a ticket's state or priority that no map names (`guessed`): taken as
    /// open, or normal, all the same.
    private nonisolated func guesses(in item: JSONValue, states: [String: String], priorities: [String: String]) -> [String] {
        var notes: [String] = []
        if let state = item["state_id"]?.text.flatMap({ states[$0] }) ?? item["state"]?.string, !vocabulary.knows(status: state) {
            notes.append(VendorVocabulary.guessed("state", state, as: "open", mapKey: "status_map"))
        }
        if let priority = item["priority_id"]?.text.flatMap({ priorities[$0] }) ?? item["priority"]?.string {
            let bare = priority.drop { $0.isNumber }.trimmingCharacters(in: .whitespaces)
            if !vocabulary.knows(priority: priority), !vocabulary.knows(priority: bare) {
                notes.append(VendorVocabulary.guessed("priority", priority, as: "normal", mapKey: "priority_map"))
            }
        }
        return notes
    }

    nonisolated func ticket(from item: JSONValue, states: [String: String], priorities: [String: String]) throws(RecordFailure) -> Ticket {
        guard let apiID = item["id"]?.text else { throw RecordFailure("missing \"id\"") }
        let id = item["number"]?.text ?? apiID
        guard let stateName = item["state_id"]?.text.flatMap({ states[$0] }) ?? item["state"]?.string else {
            throw RecordFailure("missing \"state_id\", or a state /api/v1/ticket_states does not list")
        }
        guard let status = vocabulary.status(stateName) else {
            throw RecordFailure(VendorVocabulary.unmapped("status", stateName, mapKey: "status_map"))
        }
        var priority = TicketPriority.normal
        if let priorityName = item["priority_id"]?.text.flatMap({ priorities[$0] }) ?? item["priority"]?.string {
            let bare = priorityName.drop { $0.isNumber }.trimmingCharacters(in: .whitespaces)
            priority = vocabulary.priority(priorityName) ?? vocabulary.priority(bare) ?? .normal
        }
        let created = try RecordFailure.requiredTime(item["created_at"], "created_at")
        let updated = try RecordFailure.optionalTime(item["updated_at"], "updated_at")
        let firstResponse = try RecordFailure.optionalTime(item["first_response_at"], "first_response_at")
        let closed = try RecordFailure.optionalTime(item["close_at"], "close_at")
        let login = item["customer"]?.string
        let customer = Customer(id: item["customer_id"]?.text ?? "", email: login.flatMap { $0.contains("@") ? $0 : nil })
        // Owner id 1 is Zammad's "nobody".
        let ownerID = item["owner_id"]?.text
        let owner = ownerID == "1" ? nil : item["owner"]?.string ?? ownerID
        return Ticket(
            id: id, subject: item["title"]?.string ?? "", customer: customer, priority: priority,
            channel: item["create_article_type"]?.string, status: status,
            group: item["group"]?.string ?? item["group_id"]?.text, assignee: owner, tags: RecordFailure.tags(item["tags"]),
            url: "\(settings.base)/#ticket/zoom/\(apiID)", createdAt: created, updatedAt: updated,
            firstResponseAt: firstResponse, solvedAt: status.isSolved ? closed : nil)
    }

    private nonisolated func badResponse(_ what: String) -> SourceError {
        SourceError(
            code: .badResponse, source: name, host: host, message: "\(what); check that url points at a Zammad system",
            recoverable: true)
    }
}
