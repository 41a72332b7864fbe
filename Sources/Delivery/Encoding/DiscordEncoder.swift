public import Foundation
public import SLAEngine
public import Transport

/// Discord webhook: a short `content` line and one embed, with mentions switched off.
///
/// `allowed_mentions: {"parse": []}` stops every ping, and Markdown in ticket text is
/// backslash-escaped (with a zero-width joiner after `@`) so it cannot format, link or look
/// like a mention. Discord's limits are kept, counted in UTF-16 units: content 2,000, title
/// 256, description 4,096, 25 fields (name 256, value 1,024), footer 2,048, and 6,000 for
/// the whole embed; tickets that do not fit are counted in the footer. A 429's JSON
/// `retry_after` (fractional seconds) is preferred over its `Retry-After` header.
public struct DiscordEncoder: ChannelEncoder {
    public let url: Secret
    public var kind: ChannelKind { .discord }

    static let contentLimit = 2_000
    static let titleLimit = 256
    static let descriptionLimit = 4_096
    static let fieldLimit = 25
    static let fieldNameLimit = 256
    static let fieldValueLimit = 1_024
    static let embedTotalLimit = 6_000

    public init(url: Secret) throws {
        self.url = try WebhookURL.validated(url, kind: .discord)
    }

    public func request(for message: OutboundMessage, at date: Date) throws -> HTTPRequest {
        try jsonRequest(to: url, body: body(for: message))
    }

    public func retryAfter(in response: HTTPResponse, now: Date) -> TimeInterval? {
        RetryAfter.seconds(discordBody: response.body)
            ?? response.header("Retry-After").flatMap { RetryAfter.seconds(header: $0, now: now) }
    }

    func body(for message: OutboundMessage) -> JSONValue {
        let title = ChatText.fit(message.subject, limit: DiscordEncoder.titleLimit, escape: ChatText.markdown)
        var used = ChatText.length(title)
        // Reserve room for the footer and a useful description before adding fields.
        let footerReserve = 64
        let descriptionFloor = min(1_000, ChatText.length(ChatText.markdown(message.text)))
        var fields: [JSONValue] = []
        var shown = 0
        for ticket in message.tickets.prefix(DiscordEncoder.fieldLimit) {
            let name = ChatText.fit(ticket.id + " · " + ticket.topic, limit: DiscordEncoder.fieldNameLimit, escape: ChatText.markdown)
            var value = ChatText.fit(ticket.subject, limit: 600, escape: ChatText.markdown) + "\n"
                + ChatText.fit(ticket.detailLine, limit: 150, escape: ChatText.markdown)
            if let link = ChatText.linkTarget(ticket.url) {
                let linked = value + "\n[Open ticket](\(link))"
                if ChatText.length(linked) <= DiscordEncoder.fieldValueLimit { value = linked }
            }
            let actions = ticket.actionLinks.map { "[\($0.title)](\($0.url))" }.joined(separator: " · ")
            if !actions.isEmpty, ChatText.length(value) + 1 + ChatText.length(actions) <= DiscordEncoder.fieldValueLimit {
                value += "\n" + actions
            }
            let cost = ChatText.length(name) + ChatText.length(value)
            guard used + cost + footerReserve + descriptionFloor <= DiscordEncoder.embedTotalLimit else { break }
            used += cost
            fields.append(["name": .string(name), "value": .string(value), "inline": false])
            shown += 1
        }
        let descriptionRoom = min(DiscordEncoder.descriptionLimit, DiscordEncoder.embedTotalLimit - used - footerReserve)
        let description = ChatText.fit(message.text, limit: descriptionRoom, escape: ChatText.markdown)
        var embed: JSONObject = [
            "title": .string(title),
            "description": .string(description),
            "color": .int(message.isUrgent ? 0xD0_02_1B : 0xF5_A6_23),
            "timestamp": .string(message.createdAt.rfc3339),
        ]
        if !fields.isEmpty { embed["fields"] = .array(fields) }
        if message.tickets.count > shown {
            embed["footer"] = ["text": .string("… and \(message.tickets.count - shown) more tickets")]
        }
        let content = (message.isUrgent ? "🚨 " : "")
            + ChatText.fit(message.subject, limit: DiscordEncoder.contentLimit - 4, escape: ChatText.markdown)
        return [
            "content": .string(content),
            "embeds": [.object(embed)],
            "allowed_mentions": ["parse": []],
        ]
    }
}
