public import Foundation
public import SLAEngine
public import Transport

/// Microsoft Teams Workflows webhook: a message with one Adaptive Card (version 1.4).
///
/// Untrusted text goes only into `TextRun`s of `RichTextBlock`s, which Adaptive Cards
/// render as plain text, without Markdown, so a ticket cannot add a link or formatting;
/// mentions need `msteams.entities`, which are never sent. Ticket links are `Action.OpenUrl`
/// on http(s) URLs only. The card stays under Teams' 28 KB message limit: the text is cut
/// at 12,000 characters, tickets past 30 become an "and N more" line, and a card still
/// larger than `maxBytes` (long subjects, long URLs) shows fewer tickets and less text
/// until it fits; Teams refuses a larger one whole, and a digest is lost with it.
public struct TeamsEncoder: ChannelEncoder {
    public let url: Secret
    public var kind: ChannelKind { .teams }

    public init(url: Secret) throws {
        self.url = try WebhookURL.validated(url, kind: .teams)
    }

    /// The encoded card's bound, some way under Teams' 28 KB for the envelope Teams adds.
    static let maxBytes = 26_000

    public func request(for message: OutboundMessage, at date: Date) throws -> HTTPRequest {
        try jsonRequest(to: url, body: fitted(message))
    }

    /// The body at most `maxBytes` long: all it may show when that fits, else half the
    /// tickets, then half again, then shorter text, each told as "and N more".
    func fitted(_ message: OutboundMessage) throws -> Data {
        var tickets = min(30, message.tickets.count), textLimit = 12_000
        while true {
            let encoded = try body(for: message, tickets: tickets, textLimit: textLimit).encoded()
            if encoded.count <= TeamsEncoder.maxBytes || (tickets == 0 && textLimit <= 500) { return encoded }
            if tickets > 0 { tickets /= 2 } else { textLimit /= 2 }
        }
    }

    func body(for message: OutboundMessage, tickets shownCount: Int, textLimit: Int) -> JSONValue {
        var body: [JSONValue] = [
            richText(
                [run(ChatText.fit(message.subject, limit: 500, escape: { $0 }), weight: "Bolder", size: "Medium",
                     color: message.isUrgent ? "Attention" : "Default")],
                wrapSeparator: false)
        ]
        let text = ChatText.fit(message.text, limit: textLimit, escape: { $0 })
        for paragraph in ChatText.lines(text).prefix(200) {
            body.append(richText([run(paragraph.isEmpty ? " " : paragraph)], wrapSeparator: false, spacing: "None"))
        }
        let shown = message.tickets.prefix(shownCount)
        for ticket in shown {
            var idRun = run(ChatText.fit(ticket.id, limit: 200, escape: { $0 }), weight: "Bolder")
            if let link = ChatText.linkTarget(ticket.url), case .object(var fields) = idRun {
                fields["selectAction"] = ["type": "Action.OpenUrl", "url": .string(link)]
                idRun = .object(fields)
            }
            body.append(
                richText(
                    [idRun, run(" " + ChatText.fit(ticket.subject, limit: 1_000, escape: { $0 }))], wrapSeparator: true))
            body.append(richText([run(ticket.detailLine, subtle: true)], wrapSeparator: false, spacing: "None"))
            let buttons: [JSONValue] = ticket.actionLinks.map { link in
                ["type": "Action.OpenUrl", "title": .string(link.title), "url": .string(link.url)]
            }
            if !buttons.isEmpty { body.append(["type": "ActionSet", "actions": .array(buttons)]) }
        }
        if message.tickets.count > shown.count {
            body.append(richText([run("… and \(message.tickets.count - shown.count) more tickets", subtle: true)], wrapSeparator: true))
        }
        var card: JSONObject = [
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "msteams": ["width": "Full"],
            "body": .array(body),
        ]
        let actions: [JSONValue] = message.tickets.prefix(5).compactMap { ticket in
            ChatText.linkTarget(ticket.url).map { link in
                ["type": "Action.OpenUrl", "title": .string("Open " + ChatText.fit(ticket.id, limit: 40, escape: { $0 })), "url": .string(link)]
            }
        }
        if !actions.isEmpty { card["actions"] = .array(actions) }
        return [
            "type": "message",
            "attachments": [
                ["contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": .null, "content": .object(card)]
            ],
        ]
    }

    private func richText(_ inlines: [JSONValue], wrapSeparator: Bool, spacing: String? = nil) -> JSONValue {
        var block: JSONObject = ["type": "RichTextBlock", "inlines": .array(inlines)]
        if wrapSeparator { block["separator"] = true }
        if let spacing { block["spacing"] = .string(spacing) }
        return .object(block)
    }

    private func run(
        _ text: String, weight: String? = nil, size: String? = nil, color: String? = nil, subtle: Bool = false
    ) -> JSONValue {
        var fields: JSONObject = ["type": "TextRun", "text": .string(text)]
        if let weight { fields["weight"] = .string(weight) }
        if let size { fields["size"] = .string(size) }
        if let color { fields["color"] = .string(color) }
        if subtle { fields["isSubtle"] = true }
        return .object(fields)
    }
}
