public import Foundation
public import SLAEngine
public import Transport

/// Google Chat incoming webhook: one `cardsV2` card, threaded per ticket.
///
/// A message about a single ticket sets `thread.threadKey` to the ticket's key
/// (`SOURCE:ID`: two sources' ticket 1001 are two tickets, with two threads), and the URL
/// gets `messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD`, so later messages about
/// the same ticket land in its thread (or start one). Text in card widgets is Chat's small
/// HTML subset, so `&`, `<` and `>` are escaped there, which also rules out `<users/all>`;
/// the card header takes no formatting and gets the subject as it is. Ticket links are
/// buttons on http(s) URLs only.
public struct GoogleChatEncoder: ChannelEncoder {
    public let url: Secret
    public var kind: ChannelKind { .googleChat }

    public init(url: Secret) throws {
        let checked = try WebhookURL.validated(url, kind: .googleChat)
        var components = URLComponents(string: checked.reveal())!
        var items = (components.queryItems ?? []).filter { $0.name != "messageReplyOption" }
        items.append(URLQueryItem(name: "messageReplyOption", value: "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"))
        components.queryItems = items
        self.url = Secret(components.string ?? checked.reveal())
    }

    public func request(for message: OutboundMessage, at date: Date) throws -> HTTPRequest {
        try jsonRequest(to: url, body: body(for: message))
    }

    func body(for message: OutboundMessage) -> JSONValue {
        var sections: [JSONValue] = []
        if !message.text.isEmpty {
            let text = ChatText.lines(ChatText.fit(message.text, limit: 8_000, escape: ChatText.html)).joined(separator: "<br>")
            sections.append(["widgets": [["textParagraph": ["text": .string(text)]]]])
        }
        let shown = message.tickets.prefix(30)
        var widgets: [JSONValue] = shown.flatMap { ticket -> [JSONValue] in
            var decorated: JSONObject = [
                "topLabel": .string(ticket.topic),
                "text": .string(
                    "<b>" + ChatText.fit(ticket.id, limit: 200, escape: ChatText.html) + "</b> "
                        + ChatText.fit(ticket.subject, limit: 1_000, escape: ChatText.html) + "<br>"
                        + ChatText.fit(ticket.detailLine, limit: 500, escape: ChatText.html)),
                "wrapText": true,
            ]
            if let link = ChatText.linkTarget(ticket.url) {
                decorated["button"] = ["text": "Open", "onClick": ["openLink": ["url": .string(link)]]]
            }
            let buttons: [JSONValue] = ticket.actionLinks.map { link in
                ["text": .string(link.title), "onClick": ["openLink": ["url": .string(link.url)]]]
            }
            let item: JSONValue = ["decoratedText": .object(decorated)]
            return buttons.isEmpty ? [item] : [item, ["buttonList": ["buttons": .array(buttons)]]]
        }
        if message.tickets.count > shown.count {
            widgets.append(["textParagraph": ["text": .string("… and \(message.tickets.count - shown.count) more tickets")]])
        }
        if !widgets.isEmpty { sections.append(["header": "Tickets", "widgets": .array(widgets)]) }
        let card: JSONValue = [
            "header": [
                "title": .string(ChatText.fit(MIMEText.headerSafe(message.subject), limit: 200, escape: { $0 })),
                "subtitle": .string(message.isUrgent ? "SLA breach" : "SLA warning"),
            ],
            "sections": .array(sections),
        ]
        var body: JSONObject = [
            "cardsV2": [["cardId": .string("slawatch-" + ContentHash.hex(of: message.key, bytes: 8)), "card": card]]
        ]
        if message.tickets.count == 1, let ticket = message.tickets.first {
            body["thread"] = ["threadKey": .string(ticket.source.isEmpty ? ticket.id : "\(ticket.source):\(ticket.id)")]
        }
        return .object(body)
    }
}
