import Foundation
public import Delivery
public import SLAEngine

/// Tickets from Zammad's ticket search (`GET /api/v1/tickets/search?…&expand=true`), page
/// after page until a short one.
///
/// A snapshot source: each poll returns what the query matches now. State and priority
/// ids are resolved through `/api/v1/ticket_states` and `/api/v1/ticket_priorities`, read
/// once per poll (the expanded names are the fallback). The ticket number is the ticket id
/// (the API id is in the URL); `close_at` is `solved_at` and `first_response_at` comes
/// as it is. A state no map names is `open`; a priority is matched by its name, then by
/// the name without its leading rank (`4 urgent` → `urgent`), else `normal`. Zammad's
/// search does not return tags.
public struct ZammadSource: TicketSource {
    /// The source's name in the configuration.
    public let name: String
    /// What the source was made with.
    public let settings: ZammadSettings
    private let client: SourceClient
    private let vocabulary: VendorVocabulary

    /// Open and pending tickets, and those updated in the last day.
    public static let defaultQuery =
        "state.name:(new OR open OR \"pending reminder\" OR \"pending close\") OR updated_at:>now-1d"

    /// Zammad's stock states and priorities on the canonical ones.
    public static let defaultMapping = CanonicalMapping(
        statuses: [
            "new": .new, "open": .open, "pending reminder": .onHold, "pending close": .pendingCustomer,
            "closed": .closed, "merged": .closed, "removed": .closed,
        ],
        priorities: ["1 low": .low, "2 normal": .normal, "3 high": .high])

    public init(settings: ZammadSettings, transport: any HTTPTransport, clock: any DeliveryClock = SystemDeliveryClock()) {
        name = settings.name
        self.settings = settings
        client = SourceClient(
            source: settings.name, transport: transport, clock: clock, settings: settings.http,
            authorization: HTTPHeader("Authorization", secret: Credential("Token token=\(settings.token.reveal())")),
            secrets: [settings.token.reveal()])
        vocabulary = VendorVocabulary(defaults: ZammadSource.defaultMapping, overrides: settings.mapping, unknownStatus: .open)
    }

    private var host: String { SourceClient.host(of: settings.url) }

    public func poll() async throws(SourceError) -> TicketBatch {
        var client = self.client
        let states = try await names(&client, "ticket_states")
        let priorities = try await names(&client, "ticket_priorities")
        var batch = TicketBatch(tickets: [])
        let perPage = max(1, settings.pageSize)
        let query = Query.encode(settings.query ?? ZammadSource.defaultQuery)
        for page in 1...max(1, settings.http.maxPages) {
            let url = "\(settings.base)/api/v1/tickets/search?query=\(query)&page=\(page)&per_page=\(perPage)"
                + "&expand=true&sort_by=created_at&order_by=asc"
            let response = try await client.send(.get, url)
            let document = JSONNode.parse(response.body)
            guard let items = document?.array ?? document?["tickets"]?.array?.filter({ $0.object != nil }) else {
                throw badResponse("page \(page) of the ticket search is not a list of tickets")
            }
            for item in items {
                do {
                    batch.tickets.append(try ticket(from: item, states: states, priorities: priorities))
                } catch {
                    batch.problems.append(RecordProblem(
                        source: name, recordID: item["number"]?.text ?? item["id"]?.text, message: error.message))
                }
            }
            if items.count < perPage { return batch }
        }
        throw SourceError(
            code: .badResponse, source: name, host: host,
            message: "the search has more than \(settings.http.maxPages) pages; narrow the query", recoverable: false)
    }

    /// An id → name table (`/api/v1/ticket_states`, `/api/v1/ticket_priorities`).
    private func names(_ client: inout SourceClient, _ resource: String) async throws(SourceError) -> [String: String] {
        let response = try await client.send(.get, "\(settings.base)/api/v1/\(resource)")
        guard let list = JSONNode.parse(response.body)?.array else {
            throw badResponse("/api/v1/\(resource) is not a list")
        }
        var table: [String: String] = [:]
        for item in list {
            if let id = item["id"]?.text, let name = item["name"]?.string { table[id] = name }
        }
        return table
    }

    /// One ticket in the canonical form.
    func ticket(from item: JSONNode, states: [String: String], priorities: [String: String]) throws(RecordFailure) -> Ticket {
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

    private func badResponse(_ what: String) -> SourceError {
        SourceError(
            code: .badResponse, source: name, host: host, message: "\(what); check that url points at a Zammad system",
            recoverable: true)
    }
}
