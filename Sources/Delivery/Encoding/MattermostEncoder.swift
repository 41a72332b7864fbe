public import Foundation
public import SLAEngine
public import Transport

/// Mattermost incoming webhook: one Markdown `text`.
///
/// Ticket and message text is Markdown-escaped and every `@` is followed by a zero-width
/// joiner, so `@channel`, `@here`, `@all` or `@someone` in a ticket notifies no one and no
/// ticket can add a link or an image. Ticket links are built here from http(s) URLs only.
/// The text stays under Mattermost's 16,383-character post limit.
public struct MattermostEncoder: ChannelEncoder {
    public let url: Secret
    public var kind: ChannelKind { .mattermost }

    public init(url: Secret) throws {
        self.url = try WebhookURL.validated(url, kind: .mattermost)
    }

    public func request(for message: OutboundMessage, at date: Date) throws -> HTTPRequest {
        try jsonRequest(to: url, body: body(for: message))
    }

    func body(for message: OutboundMessage) -> JSONValue {
        var text = (message.isUrgent ? ":rotating_light: " : "") + "**"
            + ChatText.fit(message.subject, limit: 1_000, escape: ChatText.markdown) + "**"
        if !message.text.isEmpty {
            text += "\n\n" + ChatText.fit(message.text, limit: 8_000, escape: ChatText.markdown)
        }
        let shown = message.tickets.prefix(50)
        if !shown.isEmpty { text += "\n" }
        for ticket in shown {
            let id = ChatText.fit(ticket.id, limit: 200, escape: ChatText.markdown)
            let label = ChatText.linkTarget(ticket.url).map { "[\(id)](\($0))" } ?? "**\(id)**"
            text += "\n- " + label + " " + ChatText.fit(ticket.subject, limit: 500, escape: ChatText.markdown) + " — "
                + ChatText.fit(ticket.detailLine, limit: 300, escape: ChatText.markdown)
            let links = ticket.actionLinks.map { "[\($0.title)](\($0.url))" }
            if !links.isEmpty { text += " — " + links.joined(separator: " · ") }
        }
        if message.tickets.count > shown.count {
            text += "\n- … and \(message.tickets.count - shown.count) more tickets"
        }
        return ["text": .string(text)]
    }
}
