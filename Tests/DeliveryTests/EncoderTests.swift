import Crypto
import Foundation
import SLAEngine
import Testing
@testable import Delivery
import Transport

private let hook = Secret("https://hooks.example.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX")

private func body(_ encoder: any ChannelEncoder, _ message: OutboundMessage = Samples.message()) throws -> [String: Any] {
    try parseJSON(encoder.request(for: message, at: Samples.createdAt).body)
}

@Suite struct SlackEncoderTests {
    @Test func blocksAndFallback() throws {
        let request = try SlackEncoder(url: hook).request(for: Samples.message(), at: Samples.createdAt)
        #expect(request.method == .post)
        #expect(request.url == hook)
        #expect(request.header("content-type")?.hasPrefix("application/json") == true)
        let json = try parseJSON(request.body)
        #expect((json["text"] as? String)?.hasPrefix("SLA warning: T-1042") == true)
        #expect(json["unfurl_links"] as? Bool == false)
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["type"] as? String } == ["section", "section", "divider", "section"])
        #expect(blocks[0][path: "text.type"] as? String == "mrkdwn")
        #expect(blocks[0][path: "text.text"] as? String == "*SLA warning: T-1042 first response due in 15m*")
        let ticketLine = try #require(blocks[3][path: "text.text"] as? String)
        #expect(ticketLine.hasPrefix("<https://help.example.com/t/1042|T-1042> Payment gateway rejects cards\n_first response · 75% · due "))
    }

    @Test func longTextAndManyTicketsStayInsideSlackLimits() throws {
        let text = (0..<300).map { "line \($0) " + String(repeating: "&", count: 40) }.joined(separator: "\n")
        let tickets = (0..<100).map { Samples.ticket("T-\($0)") }
        let json = try body(try SlackEncoder(url: hook), Samples.message(text: text, tickets: tickets))
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(blocks.count <= 50)
        for block in blocks {
            if let text = block[path: "text.text"] as? String { #expect(text.utf16.count <= 3_000) }
        }
        let context = try #require(blocks.last?[path: "elements.0.text"] as? String)
        #expect(context == "… and 60 more tickets")
    }

    @Test func anInvalidURLIsRefusedWithoutShowingIt() {
        for url in ["ftp://hooks.example.com/secret-token", "not a url secret-token", "https:///secret-token",
                    "https://hooks.example.com:99999/secret-token", "https://hooks.example.com/secret-token extra"] {
            #expect {
                try SlackEncoder(url: Secret(url))
            } throws: { error in
                let error = error as? ChannelSettingsError
                return error?.code == .invalidURL && error?.message.contains("secret-token") == false
            }
        }
    }
}

@Suite struct TeamsEncoderTests {
    @Test func adaptiveCardEnvelope() throws {
        let json = try body(try TeamsEncoder(url: hook))
        #expect(json["type"] as? String == "message")
        #expect(json[path: "attachments.0.contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        let card = try #require(json[path: "attachments.0.content"] as? [String: Any])
        #expect(card["type"] as? String == "AdaptiveCard")
        #expect(card["version"] as? String == "1.4")
        #expect(card["$schema"] as? String == "http://adaptivecards.io/schemas/adaptive-card.json")
        let body = try #require(card["body"] as? [[String: Any]])
        #expect(body.allSatisfy { $0["type"] as? String == "RichTextBlock" })
        #expect(body[0][path: "inlines.0.text"] as? String == "SLA warning: T-1042 first response due in 15m")
        #expect(body[0][path: "inlines.0.weight"] as? String == "Bolder")
        let runs = allObjects(in: body).filter { $0["type"] as? String == "TextRun" }.compactMap { $0["text"] as? String }
        #expect(runs.contains("Ticket T-1042 needs a first response."))
        #expect(runs.contains("T-1042"))
        #expect(card[path: "actions.0.type"] as? String == "Action.OpenUrl")
        #expect(card[path: "actions.0.url"] as? String == "https://help.example.com/t/1042")
    }

    /// A digest of 60 tickets with long subjects came to 37 KB; Teams refuses past 28 KB,
    /// and the digest was dead-lettered whole.
    @Test func aLargeDigestIsCutToFitTeamsLimit() throws {
        let subject = String(repeating: "Checkout fails for the EU storefront after the release ", count: 6)
        let tickets = (0..<60).map { Samples.ticket("T-\($0)", subject: subject, url: "https://help.example.com/agent/tickets/\($0)?view=full") }
        let lines = (0..<60).map { "• T-\($0) \"\(subject)\" — first response overdue by 2 hours" }
        let message = Samples.message(text: lines.joined(separator: "\n"), tickets: tickets)
        let request = try TeamsEncoder(url: hook).request(for: message, at: Samples.createdAt)
        #expect(request.body.count <= 26_000, "\(request.body.count) bytes")
        let json = try parseJSON(request.body)
        let body = try #require(json[path: "attachments.0.content.body"] as? [[String: Any]])
        let runs = allObjects(in: body).filter { $0["type"] as? String == "TextRun" }.compactMap { $0["text"] as? String }
        // What is left out is counted, never dropped without a word.
        let more = try #require(runs.first { $0.hasPrefix("… and ") && $0.hasSuffix(" more tickets") })
        let shown = runs.filter { $0.hasPrefix("T-") && !$0.contains(" ") }.count
        #expect(more == "… and \(60 - shown) more tickets")
        #expect(shown > 0)
        // A small card is left whole.
        #expect(try TeamsEncoder(url: hook).request(for: Samples.message(), at: Samples.createdAt).body
                == (try TeamsEncoder(url: hook).body(for: Samples.message(), tickets: 30, textLimit: 12_000).encoded()))
    }
}

@Suite struct GoogleChatEncoderTests {
    static let url = Secret("https://chat.googleapis.com/v1/spaces/AAAA/messages?key=KEYKEYKEY&token=TOKENTOKEN")

    @Test func urlGetsTheReplyOptionAndKeepsItsQuery() throws {
        let request = try GoogleChatEncoder(url: GoogleChatEncoderTests.url).request(for: Samples.message(), at: Samples.createdAt)
        let components = try #require(URLComponents(string: request.url.reveal()))
        let items = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(items == ["key": "KEYKEYKEY", "token": "TOKENTOKEN", "messageReplyOption": "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"])
        #expect(components.path == "/v1/spaces/AAAA/messages")
    }

    @Test func singleTicketMessagesThreadByTicket() throws {
        let encoder = try GoogleChatEncoder(url: GoogleChatEncoderTests.url)
        let single = try body(encoder)
        #expect(single[path: "thread.threadKey"] as? String == "T-1042")
        #expect(single[path: "cardsV2.0.card.header.title"] as? String == "SLA warning: T-1042 first response due in 15m")
        #expect((single[path: "cardsV2.0.cardId"] as? String)?.hasPrefix("slawatch-") == true)
        let widgets = try #require(single[path: "cardsV2.0.card.sections.1.widgets"] as? [[String: Any]])
        #expect((widgets[0][path: "decoratedText.text"] as? String)?.hasPrefix("<b>T-1042</b> Payment gateway") == true)
        #expect(widgets[0][path: "decoratedText.button.onClick.openLink.url"] as? String == "https://help.example.com/t/1042")
        let digest = try body(encoder, Samples.message(tickets: [Samples.ticket("T-1"), Samples.ticket("T-2")]))
        #expect(digest["thread"] == nil)
        // Two sources' ticket 1001 are two tickets: two threads.
        var eu = Samples.ticket("1001"), us = Samples.ticket("1001")
        eu.source = "zendesk-eu"
        us.source = "zendesk-us"
        let keys = try [eu, us].map { ticket in try body(encoder, Samples.message(tickets: [ticket]))[path: "thread.threadKey"] as? String }
        #expect(keys == ["zendesk-eu:1001", "zendesk-us:1001"])
    }
}

@Suite struct DiscordEncoderTests {
    @Test func shapeAndMentionsOff() throws {
        let json = try body(try DiscordEncoder(url: hook))
        #expect((json[path: "allowed_mentions.parse"] as? [Any])?.isEmpty == true)
        #expect(json["content"] as? String == "SLA warning: T\\-1042 first response due in 15m".replacingOccurrences(of: "T\\-", with: "T-"))
        let embed = try #require(json[path: "embeds.0"] as? [String: Any])
        #expect(embed["title"] as? String == "SLA warning: T-1042 first response due in 15m")
        #expect((embed["description"] as? String)?.hasPrefix("Ticket T-1042 needs a first response\\.") == false)
        #expect(embed[path: "fields.0.name"] as? String == "T-1042 · first response")
        #expect((embed[path: "fields.0.value"] as? String)?.contains("[Open ticket](https://help.example.com/t/1042)") == true)
    }

    /// A huge subject and text and a hundred tickets still fit every Discord limit.
    @Test func limitsHoldForHugeMessages() throws {
        let subject = String(repeating: "Sübject_*", count: 200)
        let text = String(repeating: "text with *markdown* and @here ", count: 800)
        let tickets = (0..<100).map { Samples.ticket("T-\($0)", subject: String(repeating: "s", count: 2_000)) }
        let json = try body(try DiscordEncoder(url: hook), Samples.message(subject: subject, text: text, tickets: tickets))
        let content = try #require(json["content"] as? String)
        #expect(content.utf16.count <= 2_000)
        let embeds = try #require(json["embeds"] as? [[String: Any]])
        #expect(embeds.count <= 10)
        var total = 0
        for embed in embeds {
            let title = try #require(embed["title"] as? String)
            let description = try #require(embed["description"] as? String)
            let fields = embed["fields"] as? [[String: Any]] ?? []
            let footer = embed[path: "footer.text"] as? String ?? ""
            #expect(title.utf16.count <= 256)
            #expect(description.utf16.count <= 4_096)
            #expect(fields.count <= 25)
            total += title.utf16.count + description.utf16.count + footer.utf16.count
            for field in fields {
                let name = try #require(field["name"] as? String)
                let value = try #require(field["value"] as? String)
                #expect(name.utf16.count <= 256 && value.utf16.count <= 1_024)
                total += name.utf16.count + value.utf16.count
            }
            #expect(footer.contains("more tickets"))
        }
        #expect(total <= 6_000)
    }

    @Test func retryAfterPrefersTheJSONBody() throws {
        let encoder = try DiscordEncoder(url: hook)
        let response = HTTPResponse(
            status: 429, headers: [HTTPHeader("Retry-After", "2")], body: Data(#"{"retry_after": 1.25, "global": false}"#.utf8))
        #expect(encoder.retryAfter(in: response, now: Samples.createdAt) == 1.25)
        #expect(encoder.retryAfter(in: HTTPResponse(status: 429, headers: [HTTPHeader("Retry-After", "2")]), now: Samples.createdAt) == 2)
    }
}

@Suite struct MattermostEncoderTests {
    @Test func markdownText() throws {
        let json = try body(try MattermostEncoder(url: hook))
        #expect(Set(json.keys) == ["text"])
        let text = try #require(json["text"] as? String)
        #expect(text.hasPrefix("**SLA warning: T-1042 first response due in 15m**\n\nTicket T-1042 needs a first response."))
        #expect(text.contains("\n- [T-1042](https://help.example.com/t/1042) Payment gateway rejects cards — first response · 75% · due "))
    }
}

@Suite struct WebhookEncoderTests {
    static let secret = Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")

    @Test func signedRequest() throws {
        let encoder = try WebhookEncoder(
            url: hook, signer: try WebhookSigner(secret: WebhookEncoderTests.secret),
            headers: ["Authorization": Secret("Bearer abc.def.ghi"), "X-Team": Secret("support")])
        let at = Date(timeIntervalSince1970: 1_795_000_123.9)
        let request = try encoder.request(for: Samples.message(), at: at)
        #expect(request.header("webhook-id") == "T-1042/first_response/1/75%")
        #expect(request.header("webhook-timestamp") == "1795000123")
        let signature = try #require(request.header("webhook-signature"))
        let key = try #require(Data(base64Encoded: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let expected = HMAC<SHA256>.authenticationCode(
            for: Array("T-1042/first_response/1/75%.1795000123.".utf8) + Array(request.body), using: SymmetricKey(data: key))
        #expect(signature == "v1," + Data(expected).base64EncodedString())
        #expect(try WebhookSigner(secret: WebhookEncoderTests.secret).verifies(
            signature, id: "T-1042/first_response/1/75%", timestamp: 1_795_000_123, body: request.body))
        #expect(request.header("Authorization") == "Bearer abc.def.ghi")
        #expect(request.headers.first { $0.name == "Authorization" }?.isSensitive == true)
        #expect(!String(describing: request.headers).contains("abc.def.ghi"))

        let json = try parseJSON(request.body)
        #expect(json["type"] as? String == "sla.notification")
        #expect(json[path: "data.key"] as? String == "T-1042/first_response/1/75%")
        #expect(json[path: "data.tickets.0.metric"] as? String == "first_response")
        #expect(json[path: "data.tickets.0.due_at"] as? String == "2026-11-18T12:06:40Z")
        #expect(json[path: "data.created_at"] as? String == "2026-11-18T11:06:40Z")
    }

    @Test func unsignedWithoutSecret() throws {
        let request = try WebhookEncoder(url: hook).request(for: Samples.message(), at: Samples.createdAt)
        #expect(request.header("webhook-signature") == nil)
        #expect(request.header("webhook-id") != nil)
    }

    @Test(arguments: ["webhook-signature", "Content-Type", "Host", "bad header", "X-Ok\r\nEvil"])
    func reservedOrInvalidHeadersAreRefused(name: String) {
        #expect(throws: ChannelSettingsError.self) {
            try WebhookEncoder(url: hook, headers: [name: Secret("v")])
        }
    }

    @Test func headerValuesWithLineBreaksAreRefused() {
        #expect(throws: ChannelSettingsError.self) {
            try WebhookEncoder(url: hook, headers: ["X-Token": Secret("a\r\nBcc: x")])
        }
    }
}
