public import Foundation
public import SLAEngine
public import Transport

/// A generic JSON webhook, signed per Standard Webhooks, for feeding other tools.
///
/// The body is `{"type": "sla.notification", "timestamp": …, "data": {…the message…}}`.
/// Headers: `webhook-id` (the idempotency key, so a receiver can drop a resend),
/// `webhook-timestamp` (Unix seconds of this attempt: every retry is signed afresh),
/// `webhook-signature` when a secret is configured, and the configured extra `headers`,
/// whose values are treated as secrets. Extra headers may not replace `webhook-*`,
/// `Content-Type`, `Content-Length` or `Host`.
public struct WebhookEncoder: ChannelEncoder {
    public let url: Secret
    public let signer: WebhookSigner?
    /// Configured extra headers, sorted by name.
    public let headers: [HTTPHeader]
    public var kind: ChannelKind { .webhook }
    public var secrets: [Secret] { signer.map { [$0.secret] } ?? [] }

    static let reservedHeaders: Set<String> = [
        "webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length", "host",
        "transfer-encoding", "expect",
    ]

    public init(url: Secret, signer: WebhookSigner? = nil, headers: [String: Secret] = [:]) throws {
        self.url = try WebhookURL.validated(url, kind: .webhook)
        self.signer = signer
        var list: [HTTPHeader] = []
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            guard HTTPHeader.isValidName(name) else {
                throw ChannelSettingsError(code: .invalidHeader, message: "the webhook header name \"\(MIMEText.headerSafe(name))\" is not an HTTP token")
            }
            guard !WebhookEncoder.reservedHeaders.contains(name.lowercased()) else {
                throw ChannelSettingsError(code: .invalidHeader, message: "the webhook header \(name) is set by slawatch; remove it from headers")
            }
            guard !value.reveal().containsLineBreakOrNUL else {
                throw ChannelSettingsError(code: .invalidHeader, message: "the value of webhook header \(name) holds a line break")
            }
            list.append(HTTPHeader(name, secret: value))
        }
        self.headers = list
    }

    public func request(for message: OutboundMessage, at date: Date) throws -> HTTPRequest {
        let id = MIMEText.headerSafe(message.key)
        let timestamp = Int(date.timeIntervalSince1970.rounded(.down))
        var request = try jsonRequest(to: url, body: body(for: message))
        request.headers += [HTTPHeader("webhook-id", id), HTTPHeader("webhook-timestamp", String(timestamp))]
        if let signer {
            request.headers.append(HTTPHeader("webhook-signature", signer.signature(id: id, timestamp: timestamp, body: request.body)))
        }
        request.headers += headers
        return request
    }

    func body(for message: OutboundMessage) -> JSONValue {
        let tickets: [JSONValue] = message.tickets.map { ticket in
            var item: JSONObject = [
                "id": .string(ticket.id),
                "source": .string(ticket.source),
                "subject": .string(ticket.subject),
                "url": ticket.url.map(JSONValue.string) ?? .null,
                "metric": ticket.metric.map { .string($0.rawValue) } ?? .null,
                "cycle": .int(ticket.cycle),
                "step": .string(ticket.step),
                "due_at": ticket.dueAt.map { .string($0.rfc3339) } ?? .null,
                "ack_url": ticket.ackURL.map(JSONValue.string) ?? .null,
                "snooze_url": ticket.snoozeURL.map(JSONValue.string) ?? .null,
            ]
            if let risk = ticket.risk { item["risk"] = .string(risk.rawValue) }
            return .object(item)
        }
        let data: JSONValue = [
            "key": .string(message.key),
            "channel": .string(message.channel),
            "role": message.role.map(JSONValue.string) ?? .null,
            "audience": .string(message.audience.rawValue),
            "urgent": .bool(message.isUrgent),
            "subject": .string(message.subject),
            "text": .string(message.text),
            "html": message.html.map(JSONValue.string) ?? .null,
            "tickets": .array(tickets),
            "recipients": .array(message.recipients.map(JSONValue.string)),
            "created_at": .string(message.createdAt.rfc3339),
        ]
        return ["type": "sla.notification", "timestamp": .string(message.createdAt.rfc3339), "data": data]
    }
}
