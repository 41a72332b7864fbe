import Foundation
import Testing

/// A ticket `url` that is not http or https is never a link, in any form of any message.
@Suite struct TicketLinkTests {
    static let links = ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>",
                        "vbscript:msgbox(1)", "file:///etc/passwd", " javascript:alert(1)"]

    func render(url: String, template: String) throws -> SlawatchProcess.Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-links-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ticket: [String: Any] = [
            "id": "L-1", "subject": "Link test", "priority": "high", "status": "open", "url": url,
            "customer": ["id": "acme", "name": "Acme", "email": "ops@acme.example"],
            "created_at": "2026-11-23T14:00:00Z",
        ]
        let file = directory.appendingPathComponent("tickets.json")
        try JSONSerialization.data(withJSONObject: [ticket]).write(to: file)
        return try SlawatchProcess.run([
            "render", "--config", SlawatchProcess.fixture("render.yaml"), "--tickets", file.path, "--ticket", "L-1",
            "--template", template, "--at", "2026-11-24T19:30:00Z",
        ])
    }

    @Test(arguments: links)
    func noMessageLinksAScriptURL(_ url: String) throws {
        for template in ["warning", "breach", "digest", "delay_notice"] {
            let result = try render(url: url, template: template)
            #expect(result.status == 0, "\(template): \(result.stderr)")
            let output = result.stdout.lowercased()
            for scheme in ["javascript:", "data:", "vbscript:", "file:"] {
                #expect(!output.contains(scheme), "\(template) carries \(scheme): \(result.stdout)")
            }
            #expect(result.stdout.contains("L-1"))
        }
    }

    @Test func anHTTPSLinkIsStillLinkedEverywhere() throws {
        let result = try render(url: "https://help.example.com/t/L-1", template: "breach")
        #expect(result.status == 0)
        #expect(result.stdout.contains("<a href=\\\"https://help.example.com/t/L-1\\\">"))
        #expect(result.stdout.contains("<https://help.example.com/t/L-1|L-1>"))
        #expect(result.stdout.contains("\"url\" : \"https://help.example.com/t/L-1\""))
    }
}
