public import SLAEngine
public import Transport

/// Writes priorities and tags back to Freshdesk: `PUT /api/v2/tickets/{id}` with
/// `{"priority": 1…4}`; for a tag, `GET /api/v2/tickets/{id}` first, since Freshdesk's
/// `tags` replaces the list, then `PUT` with the current tags and the new one (nothing when
/// the ticket has it already).
public struct FreshdeskWriter: TicketWriter {
    /// The source's settings: where and with which credentials to write.
    public let settings: FreshdeskSettings
    private let client: SourceClient

    /// Freshdesk's priority codes.
    static let codes: [TicketPriority: Int] = [.low: 1, .normal: 2, .high: 3, .urgent: 4]

    public init(settings: FreshdeskSettings, transport: any HTTPTransport, clock: any DeliveryClock = SystemDeliveryClock()) {
        self.settings = settings
        client = settings.client(transport: transport, clock: clock)
    }

    public var name: String { settings.name }

    private var host: String { SourceClient.host(of: settings.url) }

    public func setPriority(_ ticketID: String, _ priority: TicketPriority) async throws(SourceError) {
        let id = try TicketNumber.checked(ticketID, source: name, host: host, vendor: "Freshdesk")
        var client = self.client
        let body = JSONValue.object(["priority": .int(FreshdeskWriter.codes[priority] ?? 2)]).encoded()
        _ = try await client.send(.put, "\(settings.base)/api/v2/tickets/\(id)", json: body)
    }

    public func addTag(_ ticketID: String, _ tag: String) async throws(SourceError) {
        let id = try TicketNumber.checked(ticketID, source: name, host: host, vendor: "Freshdesk")
        var client = self.client
        let url = "\(settings.base)/api/v2/tickets/\(id)"
        let current = try await client.send(.get, url)
        guard let ticket = JSONValue.parse(current.body), ticket.object != nil else {
            throw SourceError(
                code: .badResponse, source: name, host: host,
                message: "the ticket read before tagging is not a JSON object; check that url points at a Freshdesk account",
                recoverable: true)
        }
        let tags = RecordFailure.tags(ticket["tags"])
        guard !tags.contains(tag) else { return }
        let body = JSONValue.object(["tags": .array((tags + [tag]).map(JSONValue.string))]).encoded()
        _ = try await client.send(.put, url, json: body)
    }
}
