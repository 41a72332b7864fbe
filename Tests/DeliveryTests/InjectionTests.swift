import Foundation
import SLAEngine
import Testing
@testable import Delivery
import Transport

/// Ticket data that tries to mention everyone, add links, close a script, break the JSON,
/// or add a header must come out inert from every encoder and from the mail builder.
@Suite struct InjectionTests {
    static let hook = Secret("https://hooks.example.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX")

    static var hostileMessage: OutboundMessage {
        Samples.message(
            key: "T-1\r\nX-Evil: 1", subject: "Subject " + Samples.hostile, text: "Text " + Samples.hostile,
            tickets: [
                Samples.ticket("T-1 " + Samples.hostile, subject: "Ticket " + Samples.hostile, url: "javascript:alert(1)"),
                Samples.ticket("T-2", subject: Samples.hostile, url: "https://help.example.com/t/2?a=<b>|c)"),
            ])
    }

    static let kinds: [ChannelKind] = [.slack, .teams, .googleChat, .discord, .mattermost, .webhook]

    static func encoder(_ kind: ChannelKind) throws -> any ChannelEncoder {
        switch kind {
        case .slack: try SlackEncoder(url: hook)
        case .teams: try TeamsEncoder(url: hook)
        case .googleChat: try GoogleChatEncoder(url: hook)
        case .discord: try DiscordEncoder(url: hook)
        case .mattermost: try MattermostEncoder(url: hook)
        case .webhook: try WebhookEncoder(url: hook, signer: WebhookSigner(secret: Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")))
        case .email, .log: fatalError("not a chat encoder")
        }
    }

    /// The top-level keys each encoder produces: nothing from the message can add one.
    static let topLevelKeys: [ChannelKind: Set<String>] = [
        .slack: ["text", "blocks", "unfurl_links", "unfurl_media"],
        .teams: ["type", "attachments"],
        .googleChat: ["cardsV2"],
        .discord: ["content", "embeds", "allowed_mentions"],
        .mattermost: ["text"],
        .webhook: ["type", "timestamp", "data"],
    ]

    @Test(arguments: kinds)
    func structureAndHeadersHold(kind: ChannelKind) throws {
        let request = try InjectionTests.encoder(kind).request(for: InjectionTests.hostileMessage, at: Samples.createdAt)
        let json = try parseJSON(request.body)
        #expect(Set(json.keys) == InjectionTests.topLevelKeys[kind])
        #expect(!allObjects(in: json).contains { $0["x"] != nil })
        for header in request.headers {
            #expect(!header.value.contains("\r") && !header.value.contains("\n"), "\(header.name)")
        }
        #expect(!request.headers.contains { $0.name.lowercased() == "x-evil" })
        // The javascript: URL is never a link target.
        #expect(!String(decoding: request.body, as: UTF8.self).contains("\"javascript:") || kind == .webhook)
    }

    @Test func slackHasNoControlSequenceButItsOwnLinks() throws {
        let json = try parseJSON(try InjectionTests.encoder(.slack).request(for: InjectionTests.hostileMessage, at: Samples.createdAt).body)
        for text in allStrings(in: json) {
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "<") {
                let tail = rest[open...]
                #expect(tail.hasPrefix("<https://help.example.com/t/2?a=%3Cb%3E%7Cc%29|"), "\(tail.prefix(40))")
                rest = tail.dropFirst()
            }
            #expect(!text.contains("<!") && !text.contains("<@"))
        }
    }

    @Test func teamsPutsTicketTextOnlyInPlainTextRuns() throws {
        let json = try parseJSON(try InjectionTests.encoder(.teams).request(for: InjectionTests.hostileMessage, at: Samples.createdAt).body)
        let objects = allObjects(in: json)
        #expect(!objects.contains { $0["type"] as? String == "TextBlock" || $0["type"] as? String == "FactSet" })
        #expect(!objects.contains { $0["msteams"].map { ($0 as? [String: Any])?["entities"] != nil } ?? false })
        for object in objects where (object["text"] as? String)?.contains("<!channel>") == true {
            #expect(object["type"] as? String == "TextRun")
        }
        let links = objects.compactMap { $0["url"] as? String }
        #expect(links.allSatisfy { $0.hasPrefix("https://help.example.com/") })
    }

    @Test func googleChatEscapesItsHTML() throws {
        let json = try parseJSON(try InjectionTests.encoder(.googleChat).request(for: InjectionTests.hostileMessage, at: Samples.createdAt).body)
        let texts = allObjects(in: json).filter { $0["wrapText"] != nil || ($0.count == 1 && $0["text"] != nil) }
            .compactMap { $0["text"] as? String }
        #expect(!texts.isEmpty)
        for text in texts {
            let stripped = text.replacingOccurrences(of: "<b>", with: "").replacingOccurrences(of: "</b>", with: "")
                .replacingOccurrences(of: "<br>", with: "")
            #expect(!stripped.contains("<") && !stripped.contains(">"), "\(text.prefix(60))")
        }
    }

    @Test(arguments: [ChannelKind.discord, .mattermost])
    func markdownIsEscapedAndNobodyIsMentioned(kind: ChannelKind) throws {
        let json = try parseJSON(try InjectionTests.encoder(kind).request(for: InjectionTests.hostileMessage, at: Samples.createdAt).body)
        for text in allStrings(in: json) {
            for mention in ["@here", "@channel", "@all", "@everyone"] {
                #expect(!text.contains(mention), "\(mention) in \(text.prefix(60))")
            }
            #expect(!text.contains("[click](") && !text.contains("**bold**") && !text.contains("<@U012AB3CD>"))
        }
        if kind == .discord { #expect((json[path: "allowed_mentions.parse"] as? [Any])?.isEmpty == true) }
    }

    @Test func webhookCarriesTheTextExactly() throws {
        let json = try parseJSON(try InjectionTests.encoder(.webhook).request(for: InjectionTests.hostileMessage, at: Samples.createdAt).body)
        #expect(json[path: "data.subject"] as? String == "Subject " + Samples.hostile)
        #expect(json[path: "data.tickets.0.id"] as? String == "T-1 " + Samples.hostile)
    }

    @Test func mailHeadersCannotBeAdded() throws {
        let relay = try SMTPRelay(url: "smtp://mail.example.com", from: "Support <support@example.com>")
        let notifier = try EmailNotifier(channel: "director", relay: relay, to: ["director@example.com"], transport: ScriptedTransport([.mailAccepted]))
        let rendered = String(decoding: notifier.mailMessage(for: InjectionTests.hostileMessage, to: notifier.to).rendered(), as: UTF8.self)
        let headerBlock = try #require(rendered.components(separatedBy: "\r\n\r\n").first)
        let names = headerBlock.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") }.map { $0.prefix { $0 != ":" }.lowercased() }
        #expect(names == ["date", "from", "to", "subject", "message-id", "mime-version", "auto-submitted", "content-type"])
        #expect(!headerBlock.contains("\r\nBcc:"))
        // The HTML part (after the second boundary) has the ticket text escaped.
        let htmlPart = try #require(rendered.components(separatedBy: "Content-Type: text/html").last)
        #expect(!htmlPart.contains("<script>") && htmlPart.contains("&lt;script&gt;"))
    }
}
