import Foundation
import Testing

/// `slawatch render`: the default templates through every channel kind.
@Suite struct RenderCommandTests {
    let config = SlawatchProcess.fixture("render.yaml")
    let tickets = SlawatchProcess.fixture("render-tickets.json")
    static let templates = ["warning", "breach", "catch_up", "repeat", "digest", "all_clear", "delay_notice", "update_due", "risk", "surge"]

    func render(_ ticket: String, _ template: String) throws -> SlawatchProcess.Result {
        try SlawatchProcess.run([
            "render", "--config", config, "--tickets", tickets, "--ticket", ticket, "--template", template,
            "--at", "2026-11-23T19:30:00Z",
        ])
    }

    /// Each channel kind's part of the output.
    func parts(_ output: String) -> [String: String] {
        var result: [String: String] = [:]
        for chunk in output.components(separatedBy: "===== ").dropFirst() {
            let kind = String(chunk.prefix { $0 != " " })
            result[kind] = String(chunk.drop { $0 != "\n" }.dropFirst())
        }
        return result
    }

    /// Golden files, reviewed by hand when written: `SLAWATCH_UPDATE_GOLDEN=1` rewrites them.
    @Test(arguments: templates)
    func defaultTemplatesMatchTheirGoldenFiles(_ template: String) throws {
        let result = try render("R-1", template)
        #expect(result.status == 0, "\(result.stderr)")
        let golden = URL(fileURLWithPath: SlawatchProcess.fixture("golden/\(template).txt"))
        if ProcessInfo.processInfo.environment["SLAWATCH_UPDATE_GOLDEN"] == "1" {
            try result.stdout.write(to: golden, atomically: true, encoding: .utf8)
        }
        #expect(result.stdout == (try String(contentsOf: golden, encoding: .utf8)))
        let kinds = Set(parts(result.stdout).keys)
        if template.hasSuffix("notice") || template == "update_due" {
            #expect(kinds == ["email"])
        } else {
            #expect(kinds == ["slack", "mattermost", "teams", "google_chat", "discord", "webhook", "email"])
        }
    }

    @Test(arguments: ["delay_notice", "update_due"])
    func aCustomerNoticeNeverCarriesInternalFields(_ template: String) throws {
        let output = try render("R-1", template).stdout
        #expect(output.contains("Acme Events"))
        for secret in ["dana-internal-assignee", "vip-internal-tag", "Billing", "billing", "lead", "standard", "us-office", "policy", "Mallory", "R-2"] {
            #expect(!output.contains(secret), "\(template) leaks \(secret)")
        }
        // In the customer's time zone, with the tier's remedy and a new timeline.
        #expect(output.contains("GMT+1"))
        #expect(output.contains("service credit"))
    }

    /// Ticket text full of markup, mentions and header injection reaches every target as
    /// text: each body is valid JSON, markup is escaped where the target would render it,
    /// mentions cannot fire, and no mail header can be added.
    @Test(arguments: templates)
    func hostileTicketTextRendersHarmlesslyEverywhere(_ template: String) throws {
        let result = try render("R-2", template)
        #expect(result.status == 0, "\(result.stderr)")
        let kinds = parts(result.stdout)
        for (kind, text) in kinds where kind != "email" {
            let body = String(text.drop { $0 != "{" })
            var json = try JSONSerialization.jsonObject(with: Data(body.utf8))
            if kind == "google_chat" {
                // A card header takes no formatting: Chat shows it as plain text, so the
                // subject (which may name a ticket's group) goes there as it is.
                json = Self.withoutCardHeader(json)
            }
            let serialized = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
            switch kind {
            case "slack", "google_chat":
                // Both render <…> as markup or mentions: it must arrive escaped.
                #expect(!serialized.contains("<script>") && !serialized.contains("<!channel>") && !serialized.contains("<!everyone>"),
                        "\(template) \(kind)")
            case "mattermost", "discord":
                // Both notify on a bare @here/@channel/@everyone.
                #expect(!serialized.contains("@here") && !serialized.contains("@everyone"), "\(template) \(kind)")
            default:
                // Teams text runs and the generic webhook's data carry plain text; valid JSON is the guarantee.
                break
            }
        }
        let email = try #require(kinds["email"])
        let headers = email.components(separatedBy: "\n\n")[0]
        #expect(!headers.lowercased().contains("\nbcc:"), "\(template): a Bcc header was injected")
        #expect(!headers.lowercased().contains("\nx-injected:"), "\(template): a header was injected")
        if let encoded = email.components(separatedBy: "Content-Type: text/html").dropFirst().first {
            // Quoted-printable: join the soft line breaks before looking.
            let html = encoded.replacingOccurrences(of: "=\n", with: "")
            #expect(!html.contains("<script>") && html.contains("&lt;script&gt;"), "\(template): the HTML part must escape markup")
        }
    }

    /// A Google Chat body without its cards' headers.
    static func withoutCardHeader(_ json: Any) -> Any {
        guard var body = json as? [String: Any], let cards = body["cardsV2"] as? [[String: Any]] else { return json }
        body["cardsV2"] = cards.map { entry -> [String: Any] in
            var entry = entry
            if var card = entry["card"] as? [String: Any] {
                card["header"] = nil
                entry["card"] = card
            }
            return entry
        }
        return body
    }

    @Test func anUnknownTemplateIsAUsageError() throws {
        let result = try render("R-1", "breech")
        #expect(result.status == 64)
        #expect(result.stderr.contains("no template is named breech"))
    }
}
