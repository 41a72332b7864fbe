import Foundation
import SLAEngine
public import Transport

/// Tickets from any JSON API: `items` points at each page's array of tickets, `fields` at
/// each canonical field within an item, `next` at the next page's URL.
///
/// A snapshot source: each poll reads every page. Defaults for fields an item lacks:
/// `subject` "", `status` open, `priority` normal, `tags` none, the customer's id "".
/// Ids may be strings or numbers; `tags` a list or one string; `events` canonical events
/// (DESIGN.md); times are RFC 3339 (an offset `+0000` is accepted) or epoch seconds. An item without `id` or `created_at`, with a time that does not parse, or
/// with a status or priority that is neither canonical nor mapped, is a record problem.
public struct HTTPJSONSource: TicketSource {
    /// The source's name in the configuration.
    public let name: String
    /// What the source was made with.
    public let settings: HTTPJSONSettings
    private let client: SourceClient
    private let items: JSONPointer
    private let next: JSONPointer?
    private let pointers: [String: JSONPointer]

    /// The canonical fields `fields` may map.
    public static let canonicalFields = [
        "id", "subject", "customer.id", "customer.name", "customer.email", "customer.tier", "customer.time_zone",
        "priority", "channel", "status", "group", "assignee", "tags", "url", "created_at", "updated_at",
        "first_response_at", "solved_at", "events",
    ]

    /// Checks the pointers and field names; throws `invalid_settings` naming the bad one.
    public init(
        settings: HTTPJSONSettings, transport: any HTTPTransport, clock: any DeliveryClock = SystemDeliveryClock()
    ) throws(SourceError) {
        name = settings.name
        self.settings = settings
        let host = SourceClient.host(of: settings.url.reveal())
        func invalid(_ message: String) -> SourceError {
            SourceError(code: .invalidSettings, source: settings.name, host: host, message: message, recoverable: false)
        }
        func pointer(_ text: String, _ key: String) throws(SourceError) -> JSONPointer {
            guard let pointer = JSONPointer(text) else {
                throw invalid("\(key): \"\(text)\" is not a JSON Pointer; write it from the root, such as /tickets")
            }
            return pointer
        }
        items = try pointer(settings.items ?? "", "items")
        next = try settings.next.map { text throws(SourceError) in try pointer(text, "next") }
        var pointers: [String: JSONPointer] = [:]
        for field in HTTPJSONSource.canonicalFields { pointers[field] = JSONPointer(field: field) }
        for (field, text) in settings.fields {
            guard pointers[field] != nil else {
                throw invalid("fields.\(field) is not a canonical field; use one of \(HTTPJSONSource.canonicalFields.joined(separator: ", "))")
            }
            pointers[field] = try pointer(text, "fields.\(field)")
        }
        self.pointers = pointers

        var secrets = URLComponents(string: settings.url.reveal())?.queryItems?.compactMap(\.value).filter { $0.count >= 6 } ?? []
        let authorization: HTTPHeader?
        switch settings.authentication {
        case .bearer(let token)?:
            authorization = HTTPHeader("Authorization", secret: Secret("Bearer \(token.reveal())"))
            secrets.append(token.reveal())
        case .basic(let username, let password)?:
            authorization = SourceClient.basic(user: username, password: password.reveal())
            secrets += [password.reveal(), Data("\(username):\(password.reveal())".utf8).base64EncodedString()]
        case nil:
            authorization = nil
        }
        client = SourceClient(
            source: settings.name, transport: transport, clock: clock, settings: settings.http, authorization: authorization,
            secrets: secrets)
    }

    private var host: String { SourceClient.host(of: settings.url.reveal()) }

    public func poll() async throws(SourceError) -> TicketBatch {
        var client = self.client
        var batch = TicketBatch(tickets: [])
        var url = settings.url.reveal()
        var seen: Set<String> = [url]
        for page in 1...max(1, settings.http.maxPages) {
            let response = try await client.send(.get, url)
            guard let document = JSONValue.parse(response.body) else {
                throw badResponse("page \(page) is not JSON")
            }
            guard let list = items.resolve(in: document)?.array else {
                throw badResponse("page \(page) has no list at items (\(items.description.isEmpty ? "the root" : items.description))")
            }
            for item in list {
                do {
                    batch.tickets.append(try ticket(from: item))
                } catch {
                    batch.problems.append(RecordProblem(source: name, recordID: value("id", item)?.text, message: error.message))
                }
            }
            guard let next, let link = next.resolve(in: document)?.string, !link.isEmpty else { return batch }
            guard let resolved = PageURL.resolve(link, against: url, base: settings.url.reveal()) else {
                throw badResponse("the next page's URL (at \(next)) points away from the configured host; not following it")
            }
            guard seen.insert(resolved).inserted else { return batch }
            url = resolved
        }
        throw SourceError(
            code: .badResponse, source: name, host: host,
            message: "more than \(settings.http.maxPages) pages, the source's limit for one poll (max_pages); check that `next` "
                + "points at the next page, ask the service for larger pages in `url` (a page size parameter) if it takes one, "
                + "or raise max_pages",
            recoverable: false)
    }

    private func value(_ field: String, _ item: JSONValue) -> JSONValue? {
        guard let node = pointers[field]?.resolve(in: item), !node.isNull else { return nil }
        return node
    }

    /// The field as a problem names it: with its pointer when the pointer is not the default.
    private func label(_ field: String) -> String {
        let pointer = pointers[field]?.description ?? field
        return pointer == JSONPointer(field: field).description ? field : "\(field) (\(pointer))"
    }

    /// One item in the canonical form.
    func ticket(from item: JSONValue) throws(RecordFailure) -> Ticket {
        guard let id = value("id", item)?.text else { throw RecordFailure("missing \(label("id"))") }
        let created = try RecordFailure.requiredTime(value("created_at", item), label("created_at"))
        var status = TicketStatus.open
        if let raw = value("status", item) {
            guard let text = raw.text else { throw RecordFailure("\(label("status")): expected a string, found \(raw.kind)") }
            guard let mapped = settings.mapping.statuses[text] ?? TicketStatus(rawValue: text) else {
                throw RecordFailure(VendorVocabulary.unmapped("status", text, mapKey: "status_map"))
            }
            status = mapped
        }
        var priority = TicketPriority.normal
        if let raw = value("priority", item) {
            guard let text = raw.text else { throw RecordFailure("\(label("priority")): expected a string, found \(raw.kind)") }
            guard let mapped = settings.mapping.priorities[text] ?? TicketPriority(rawValue: text) else {
                throw RecordFailure(VendorVocabulary.unmapped("priority", text, mapKey: "priority_map"))
            }
            priority = mapped
        }
        var tags: [String] = []
        if let raw = value("tags", item) { tags = raw.text.map { [$0] } ?? RecordFailure.tags(raw) }
        var events: [TicketEvent] = []
        if let raw = value("events", item) {
            let decoder = JSONDecoder()
            decoder.userInfo[.canonicalMapping] = settings.mapping
            do {
                events = try decoder.decode([TicketEvent].self, from: raw.encoded())
            } catch {
                throw RecordFailure("\(label("events")): \(FileSource.describe(error))")
            }
        }
        let customer = Customer(
            id: value("customer.id", item)?.text ?? "", name: value("customer.name", item)?.text,
            email: value("customer.email", item)?.text, tier: value("customer.tier", item)?.text,
            timeZone: value("customer.time_zone", item)?.text)
        return Ticket(
            id: id, subject: value("subject", item)?.text ?? "", customer: customer, priority: priority,
            channel: value("channel", item)?.text, status: status, group: value("group", item)?.text,
            assignee: value("assignee", item)?.text, tags: tags, url: value("url", item)?.text, createdAt: created,
            updatedAt: try RecordFailure.optionalTime(value("updated_at", item), label("updated_at")),
            firstResponseAt: try RecordFailure.optionalTime(value("first_response_at", item), label("first_response_at")),
            solvedAt: try RecordFailure.optionalTime(value("solved_at", item), label("solved_at")), events: events)
    }

    private func badResponse(_ what: String) -> SourceError {
        SourceError(
            code: .badResponse, source: name, host: host, message: "\(what); check url and the items and next pointers",
            recoverable: true)
    }
}
