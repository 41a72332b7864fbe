public import SLAEngine
public import Transport

/// Writes priorities and tags back to Zendesk: `PUT /api/v2/tickets/{id}.json` with
/// `{"ticket": {"priority": …}}`, and `PUT /api/v2/tickets/{id}/tags.json` with
/// `{"tags": [tag]}`, which adds to the ticket's tags.
public struct ZendeskWriter: TicketWriter {
    /// The source's settings: where and with which credentials to write.
    public let settings: ZendeskSettings
    private let client: SourceClient

    public init(settings: ZendeskSettings, transport: any HTTPTransport, clock: any DeliveryClock = SystemDeliveryClock()) {
        self.settings = settings
        client = settings.client(transport: transport, clock: clock)
    }

    public var name: String { settings.name }

    public func setPriority(_ ticketID: String, _ priority: TicketPriority) async throws(SourceError) {
        let id = try TicketNumber.checked(ticketID, source: name, host: SourceClient.host(of: settings.url), vendor: "Zendesk")
        var client = self.client
        let body = JSONValue.object(["ticket": .object(["priority": .string(priority.rawValue)])]).encoded()
        _ = try await client.send(.put, "\(settings.base)/api/v2/tickets/\(id).json", json: body)
    }

    public func addTag(_ ticketID: String, _ tag: String) async throws(SourceError) {
        let id = try TicketNumber.checked(ticketID, source: name, host: SourceClient.host(of: settings.url), vendor: "Zendesk")
        var client = self.client
        let body = JSONValue.object(["tags": .array([.string(tag)])]).encoded()
        _ = try await client.send(.put, "\(settings.base)/api/v2/tickets/\(id)/tags.json", json: body)
    }
}
