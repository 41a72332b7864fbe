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
        var request = try jsonRequest(to: url, body: Data(bodyBytes(for: message)))
        request.headers += [HTTPHeader("webhook-id", id), HTTPHeader("webhook-timestamp", String(timestamp))]
        if let signer {
            request.headers.append(HTTPHeader("webhook-signature", signer.signature(id: id, timestamp: timestamp, body: request.body)))
        }
        request.headers += headers
        return request
    }

    /// The body, written straight into one buffer with its keys in the order of their bytes
    /// (as `JSONValue.encoded()` sorts them), with no value tree built and sorted per message.
    func bodyBytes(for message: OutboundMessage) -> [UInt8] {
        typealias K = BodyKeys
        var json = JSONWriter()
        json.reserveCapacity(512 + message.subject.utf8.count + message.text.utf8.count + (message.html?.utf8.count ?? 0))
        json.beginObject()
        json.key(K.data)
        json.beginObject()
        json.key(K.audience)
        json.string(message.audience.rawValue)
        json.key(K.channel)
        json.string(message.channel)
        json.key(K.createdAt)
        json.string(message.createdAt.rfc3339)
        json.key(K.html)
        json.optional(message.html)
        json.key(K.key)
        json.string(message.key)
        json.key(K.recipients)
        json.beginArray()
        for recipient in message.recipients { json.string(recipient) }
        json.endArray()
        json.key(K.role)
        json.optional(message.role)
        json.key(K.subject)
        json.string(message.subject)
        json.key(K.text)
        json.string(message.text)
        json.key(K.tickets)
        json.beginArray()
        for ticket in message.tickets {
            json.beginObject()
            json.key(K.ackURL)
            json.optional(ticket.ackURL)
            json.key(K.cycle)
            json.int(ticket.cycle)
            json.key(K.dueAt)
            json.optional(ticket.dueAt?.rfc3339)
            json.key(K.id)
            json.string(ticket.id)
            json.key(K.metric)
            json.optional(ticket.metric?.rawValue)
            if let risk = ticket.risk {
                json.key(K.risk)
                json.string(risk.rawValue)
            }
            json.key(K.snoozeURL)
            json.optional(ticket.snoozeURL)
            json.key(K.source)
            json.string(ticket.source)
            json.key(K.step)
            json.string(ticket.step)
            json.key(K.subject)
            json.string(ticket.subject)
            json.key(K.url)
            json.optional(ticket.url)
            json.endObject()
        }
        json.endArray()
        json.key(K.urgent)
        json.bool(message.isUrgent)
        json.endObject()
        json.key(K.timestamp)
        json.string(message.createdAt.rfc3339)
        json.key(K.type)
        json.string("sla.notification")
        json.endObject()
        return json.bytes
    }

    /// The body's keys, quoted once.
    private enum BodyKeys {
        static let data = JSONWriter.Key("data"), timestamp = JSONWriter.Key("timestamp"), type = JSONWriter.Key("type")
        static let audience = JSONWriter.Key("audience"), channel = JSONWriter.Key("channel")
        static let createdAt = JSONWriter.Key("created_at"), html = JSONWriter.Key("html"), key = JSONWriter.Key("key")
        static let recipients = JSONWriter.Key("recipients"), role = JSONWriter.Key("role")
        static let subject = JSONWriter.Key("subject"), text = JSONWriter.Key("text"), tickets = JSONWriter.Key("tickets")
        static let urgent = JSONWriter.Key("urgent"), ackURL = JSONWriter.Key("ack_url"), cycle = JSONWriter.Key("cycle")
        static let dueAt = JSONWriter.Key("due_at"), id = JSONWriter.Key("id"), metric = JSONWriter.Key("metric")
        static let risk = JSONWriter.Key("risk"), snoozeURL = JSONWriter.Key("snooze_url"), source = JSONWriter.Key("source")
        static let step = JSONWriter.Key("step"), url = JSONWriter.Key("url")
    }
}
