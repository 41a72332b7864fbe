public import Foundation
public import SLAEngine
public import Transport

/// Slack incoming webhook: Block Kit `blocks` plus a `text` fallback for notifications.
///
/// Every piece of message and ticket text has `&`, `<` and `>` escaped, which is all Slack
/// parses control sequences from, so a ticket can never produce `<!channel>`, `<@U…>` or a
/// link; ticket links are built here from http(s) URLs only. Limits kept: 3,000 characters
/// per section, 50 blocks (tickets past 40 become an "and N more" line), link unfurling off.
public struct SlackEncoder: ChannelEncoder {
    public let url: Secret
    public var kind: ChannelKind { .slack }

    public init(url: Secret) throws {
        self.url = try WebhookURL.validated(url, kind: .slack)
    }

    public func request(for message: OutboundMessage, at date: Date) throws -> HTTPRequest {
        try jsonRequest(to: url, body: body(for: message))
    }

    func body(for message: OutboundMessage) -> JSONValue {
        let mark = message.isUrgent ? ":rotating_light: " : ""
        var blocks: [JSONValue] = [
            section(mark + "*" + ChatText.fit(message.subject, limit: 2_900, escape: ChatText.slack) + "*")
        ]
        for chunk in SlackEncoder.chunks(of: message.text, limit: 2_900).prefix(4) {
            blocks.append(section(chunk))
        }
        if !message.tickets.isEmpty { blocks.append(["type": "divider"]) }
        // Each ticket with action links takes a second block for its buttons: 21 fit in 50.
        let shown = message.tickets.prefix(message.tickets.contains { !$0.actionLinks.isEmpty } ? 21 : 40)
        for ticket in shown {
            let id = ChatText.fit(ticket.id, limit: 200, escape: ChatText.slack)
            let label = ChatText.linkTarget(ticket.url).map { "<\($0)|\(id)>" } ?? "*\(id)*"
            let line = label + " " + ChatText.fit(ticket.subject, limit: 1_500, escape: ChatText.slack) + "\n_"
                + ChatText.fit(ticket.detailLine, limit: 500, escape: ChatText.slack) + "_"
            blocks.append(section(line))
            let buttons: [JSONValue] = ticket.actionLinks.map { link in
                [
                    "type": "button", "text": ["type": "plain_text", "text": .string(link.title)],
                    "url": .string(link.url), "action_id": .string(link.title == "Acknowledge" ? "slawatch_ack" : "slawatch_snooze"),
                    "value": .string(String(link.url.split(separator: "/").last ?? "")),
                ]
            }
            if !buttons.isEmpty { blocks.append(["type": "actions", "elements": .array(buttons)]) }
        }
        if message.tickets.count > shown.count {
            blocks.append([
                "type": "context",
                "elements": [["type": "mrkdwn", "text": .string("… and \(message.tickets.count - shown.count) more tickets")]],
            ])
        }
        let fallback = ChatText.fit(message.subject, limit: 500, escape: ChatText.slack) + "\n"
            + ChatText.fit(message.text, limit: 2_500, escape: ChatText.slack)
        return [
            "text": .string(fallback),
            "blocks": .array(blocks),
            "unfurl_links": false,
            "unfurl_media": false,
        ]
    }

    private func section(_ mrkdwn: String) -> JSONValue {
        ["type": "section", "text": ["type": "mrkdwn", "text": .string(mrkdwn)]]
    }

    /// The text escaped and cut into pieces of at most `limit`, at line breaks where it can.
    static func chunks(of text: String, limit: Int) -> [String] {
        guard !text.isEmpty else { return [] }
        var pieces: [String] = []
        var current = ""
        for line in ChatText.lines(text) {
            let escaped = ChatText.fit(String(line), limit: limit, escape: ChatText.slack)
            if current.isEmpty {
                current = escaped
            } else if ChatText.length(current) + 1 + ChatText.length(escaped) <= limit {
                current += "\n" + escaped
            } else {
                pieces.append(current)
                current = escaped
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
