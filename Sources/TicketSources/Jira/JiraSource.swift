import Foundation
public import SLAEngine
public import Transport

/// Issues from Jira Service Management through the enhanced JQL search
/// (`POST /rest/api/3/search/jql`), paged by `nextPageToken` until `isLast`.
///
/// A snapshot source: each poll returns what the JQL matches now. The issue key is the
/// ticket id; the reporter is the customer; labels and the request type's name are tags;
/// `resolutiondate` is `solved_at`; the value of `group_field`, when set, is the group
/// (see `JiraSettings.groupField`). A status no map names is `solved` when Jira's status
/// category is `done`, else `open`; an unknown priority is `normal`. A search that refuses
/// a configured field is made again without the configured fields (see `poll()`).
public struct JiraSource: TicketSource {
    /// The source's name in the configuration.
    public let name: String
    /// What the source was made with.
    public let settings: JiraSettings
    private let client: SourceClient
    private let vocabulary: VendorVocabulary
    /// The configured fields (`group_field` and the like), which a search refuses when one of
    /// them does not exist or the user may not see it; shared by the copies of the source.
    private let fieldLookup: SharedLookup

    /// Unresolved issues, and issues updated in the last day so a resolution is seen.
    public static let defaultJQL = "statusCategory != Done OR updated >= -1d ORDER BY created ASC"

    /// Jira's usual status and priority names on the canonical ones.
    public static let defaultMapping = CanonicalMapping(
        statuses: [
            "Open": .open, "Waiting for support": .open, "In Progress": .open, "Escalated": .open,
            "Waiting for customer": .pendingCustomer, "Pending": .onHold, "Waiting for approval": .onHold,
            "Resolved": .solved, "Done": .solved, "Closed": .closed, "Canceled": .closed, "Cancelled": .closed,
            "Declined": .closed,
        ],
        priorities: [
            "Highest": .urgent, "Blocker": .urgent, "Critical": .urgent, "High": .high, "Major": .high,
            "Medium": .normal, "Low": .low, "Minor": .low, "Lowest": .low, "Trivial": .low,
        ])

    public init(settings: JiraSettings, transport: any HTTPTransport, clock: any DeliveryClock = SystemDeliveryClock()) {
        name = settings.name
        self.settings = settings
        client = SourceClient(
            source: settings.name, transport: transport, clock: clock, settings: settings.http,
            authorization: SourceClient.basic(user: settings.email, password: settings.token.reveal()),
            secrets: [
                settings.token.reveal(), Data("\(settings.email):\(settings.token.reveal())".utf8).base64EncodedString(),
            ], showsPaths: true)
        vocabulary = VendorVocabulary(
            defaults: JiraSource.defaultMapping, overrides: settings.mapping, unknownPriority: .normal)
        let configured = JiraSource.configuredFields(settings)
        fieldLookup = SharedLookup(OptionalLookup(
            source: settings.name, what: "the search with the configured fields (\(configured.joined(separator: ", ")))",
            meanwhile: "issues are still searched without them, so they have no group, request type or first response "
                + "from those fields", grant: "check group_field and that the user may see each field"))
    }

    private var host: String { SourceClient.host(of: settings.url) }

    /// The fields every search asks for.
    static let standardFields = ["summary", "status", "priority", "reporter", "assignee", "labels", "created", "updated", "resolutiondate"]

    /// The fields the configuration adds: `group_field`, the request type and first response fields.
    var configuredFields: [String] {
        JiraSource.configuredFields(settings)
    }

    static func configuredFields(_ settings: JiraSettings) -> [String] {
        [settings.requestTypeField, settings.groupField, settings.firstResponseField].compactMap { $0 }
    }

    /// The fields asked for.
    var fields: [String] { JiraSource.standardFields + configuredFields }

    /// Searches with the configured fields; when the search refuses one of them (HTTP 400
    /// naming the field: it does not exist, or the user may not see it), searches again
    /// without them, so the tickets still come, and
    /// reports the refusal once and the recovery once (`OptionalLookup`).
    public func poll() async throws(SourceError) -> TicketBatch {
        var client = self.client
        guard !configuredFields.isEmpty else { return try await search(&client, fields: fields) }
        do throws(SourceError) {
            var batch = try await search(&client, fields: fields)
            if let notice = fieldLookup.answered() { batch.problems.insert(notice, at: 0) }
            return batch
        } catch where error.status == 400 && configuredFields.contains(where: error.message.contains) {
            var batch = try await search(&client, fields: JiraSource.standardFields)
            if let notice = fieldLookup.refused(error) { batch.problems.insert(notice, at: 0) }
            return batch
        }
    }

    private func search(_ client: inout SourceClient, fields: [String]) async throws(SourceError) -> TicketBatch {
        var batch = TicketBatch(tickets: [])
        var token: String?
        // Values no map names, taken as a default all the same: said once a poll.
        var guessed: Set<String> = []
        let url = "\(settings.base)/rest/api/3/search/jql"
        for page in 1...max(1, settings.http.maxPages) {
            var request: JSONObject = [
                "jql": .string(settings.jql ?? JiraSource.defaultJQL),
                "fields": .array(fields.map(JSONValue.string)),
                "maxResults": .int(max(1, settings.pageSize)),
            ]
            if let token { request["nextPageToken"] = .string(token) }
            let response = try await client.send(.post, url, json: JSONValue.object(request).encoded())
            guard let document = JSONValue.parse(response.body), let issues = document["issues"]?.array else {
                throw badResponse("page \(page) of the search has no \"issues\" list")
            }
            for issue in issues {
                do {
                    batch.tickets.append(try ticket(from: issue))
                    if let priority = issue["fields"]?["priority"]?["name"]?.string, !vocabulary.knows(priority: priority) {
                        guessed.insert(VendorVocabulary.guessed("priority", priority, as: "normal", mapKey: "priority_map"))
                    }
                } catch {
                    batch.problems.append(RecordProblem(
                        source: name, recordID: issue["key"]?.text ?? issue["id"]?.text, message: error.message))
                }
            }
            let next = document["nextPageToken"]?.string
            if document["isLast"]?.bool ?? (next == nil) {
                batch.problems += guessed.sorted().map { RecordProblem(source: name, message: $0) }
                return batch
            }
            guard let next, !next.isEmpty, next != token else {
                throw badResponse("page \(page) of the search is not the last but gives no new nextPageToken")
            }
            token = next
        }
        throw SourceError(
            code: .badResponse, source: name, host: host,
            message: "the search has more than \(settings.http.maxPages) pages; narrow the jql, or raise max_pages", recoverable: false)
    }

    /// One issue in the canonical form.
    func ticket(from issue: JSONValue) throws(RecordFailure) -> Ticket {
        guard let key = issue["key"]?.text ?? issue["id"]?.text else { throw RecordFailure("missing \"key\"") }
        guard let fields = issue["fields"], fields.object != nil else { throw RecordFailure("missing \"fields\"") }
        guard let statusName = fields["status"]?["name"]?.string else { throw RecordFailure("missing \"fields.status.name\"") }
        let status = vocabulary.status(statusName)
            ?? (fields["status"]?["statusCategory"]?["key"]?.string == "done" ? .solved : .open)
        let priority = fields["priority"]?["name"]?.string.flatMap(vocabulary.priority) ?? .normal
        let created = try RecordFailure.requiredTime(fields["created"], "fields.created")
        let updated = try RecordFailure.optionalTime(fields["updated"], "fields.updated")
        let resolved = try RecordFailure.optionalTime(fields["resolutiondate"], "fields.resolutiondate")
        let reporter = fields["reporter"]
        let customer = Customer(
            id: reporter?["accountId"]?.text ?? "", name: reporter?["displayName"]?.string,
            email: reporter?["emailAddress"]?.string, timeZone: reporter?["timeZone"]?.string)
        var tags = RecordFailure.tags(fields["labels"])
        if let field = settings.requestTypeField, let requestType = fields[field]?["requestType"]?["name"]?.string {
            tags.append(requestType)
        }
        var firstResponse: Date?
        if let field = settings.firstResponseField, let stop = fields[field]?["completedCycles"]?.array?.first?["stopTime"] {
            firstResponse = try RecordFailure.optionalTime(stop["iso8601"] ?? stop["epochMillis"], "fields.\(field)")
        }
        return Ticket(
            id: key, subject: fields["summary"]?.string ?? "", customer: customer, priority: priority, status: status,
            group: settings.groupField.flatMap { JiraSource.groupName(fields[$0]) },
            assignee: fields["assignee"]?["displayName"]?.string, tags: tags, url: "\(settings.base)/browse/\(key)",
            createdAt: created, updatedAt: updated, firstResponseAt: firstResponse, solvedAt: status.isSolved ? resolved : nil)
    }

    /// A field's value as a group name: an object's `name` (a component, an organization,
    /// a team), else its `value` (a select list option), else its `displayName` (a user);
    /// a list's first item that has one; text (trimmed) or a number as it is; else nil.
    static func groupName(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        switch value {
        case .string(let text):
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        case .int, .double:
            return value.text
        case .object:
            return ["name", "value", "displayName"].lazy.compactMap { groupName(value[$0]) }.first
        case .array(let items):
            return items.lazy.compactMap { groupName($0) }.first
        case .null, .bool:
            return nil
        }
    }

    private func badResponse(_ what: String) -> SourceError {
        SourceError(
            code: .badResponse, source: name, host: host, message: "\(what); check that url points at a Jira site",
            recoverable: true)
    }
}
