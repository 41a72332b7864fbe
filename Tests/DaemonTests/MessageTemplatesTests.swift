import Foundation
import Testing
@testable import Daemon
@testable import SLAEngine

private func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
}

@Suite struct MessageTemplatesTests {
    @Test func theBuiltInTemplatesAreTheOnesShippedInConfigTemplates() throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/templates").standardized
        let names = try FileManager.default.contentsOfDirectory(atPath: shipped.path).filter { $0.hasSuffix(".mustache") }
        #expect(Set(names) == Set(DefaultTemplates.files.keys), "run scripts/embed-templates.py")
        for name in names {
            let text = try String(contentsOf: shipped.appendingPathComponent(name), encoding: .utf8)
            #expect(DefaultTemplates.files[name] == text, "\(name) differs from its embedded copy: run scripts/embed-templates.py")
        }
        _ = try MessageTemplates(directory: nil)
    }

    @Test func brokenTemplatesAreReportedWithFileAndLine() {
        let directory = fixture("broken-templates")
        let error = #expect(throws: TemplateError.self) { try MessageTemplates(directory: directory) }
        let lines = error?.description.split(separator: "\n").map(String.init) ?? []
        #expect(lines.contains { $0.hasPrefix("\(directory)/breach.text.mustache:") && $0.contains("does not parse") })
        #expect(lines.contains("\(directory)/delay_notice.text.mustache:1: refers to the partial greeting, which does not exist; add greeting.mustache or fix the name"))
        #expect(lines.contains { $0.hasPrefix("\(directory)/breach.txt.mustache") && $0.contains("rename it") })
    }

    /// A misspelt override was read and never rendered: the default went out instead.
    @Test func aFormOfATemplateNeverRenderedIsRefusedWithTheNameItResembles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-templates-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "SLA warning\n".write(to: directory.appendingPathComponent("warnign.subject.mustache"), atomically: true, encoding: .utf8)
        try "x\n".write(to: directory.appendingPathComponent("footer.mustache"), atomically: true, encoding: .utf8)
        let error = #expect(throws: TemplateError.self) { try MessageTemplates(directory: directory.path) }
        #expect(error?.description == "\(directory.path)/warnign.subject.mustache: warnign is not a template slawatch renders "
            + "(did you mean warning?); rename the file, or name it warnign.mustache for a partial")
    }

    /// A partial that includes itself, directly or through another, would render forever.
    @Test func partialsIncludingThemselvesAreRefusedWhereTheCircleCloses() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-templates-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ text: String, _ name: String) throws {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("see {{> link}}\n", "link.mustache")
        try write("a\n{{#ticket}}{{> pb}}{{/ticket}}\n", "pa.mustache")
        try write("{{> pa}}\n", "pb.mustache")
        // Included twice, but in no circle.
        try write("{{> leaf}} and {{> leaf}}\n", "twice.mustache")
        try write("leaf\n", "leaf.mustache")
        let error = #expect(throws: TemplateError.self) { try MessageTemplates(directory: directory.path) }
        let lines = error?.description.split(separator: "\n").map(String.init) ?? []
        #expect(lines.sorted() == [
            "\(directory.path)/link.mustache:1: the partial link includes itself (link → link), so it would never end; remove the {{> link}} that closes the circle",
            "\(directory.path)/pb.mustache:1: the partial pa includes itself (pa → pb → pa), so it would never end; remove the {{> pa}} that closes the circle",
        ], "\(lines)")

        try write("see the ticket\n", "link.mustache")
        try write("{{> leaf}}\n", "pb.mustache")
        _ = try MessageTemplates(directory: directory.path)
    }

    @Test func aTemplateThatRendersToNothingIsRejected() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-templates-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "{{#nothing}}x{{/nothing}}\n".write(to: directory.appendingPathComponent("warning.subject.mustache"), atomically: true, encoding: .utf8)
        let error = #expect(throws: TemplateError.self) { try MessageTemplates(directory: directory.path) }
        #expect(error?.description == "\(directory.path)/warning.subject.mustache: renders to nothing for a sample ticket; give it some text")
    }

    @Test func aSiteOverridesOneFileAndKeepsTheOtherDefaults() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-templates-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "BREACH {{ticket.id}} {{> link}}".write(to: directory.appendingPathComponent("breach.subject.mustache"), atomically: true, encoding: .utf8)
        let templates = try MessageTemplates(directory: directory.path)
        let rendered = templates.render("breach", context: TemplateSamples.team)
        #expect(rendered.subject == "BREACH T-1 https://help.example.com/t/1")
        #expect(rendered.text.hasPrefix("T-1 \"Sample ticket\" missed its first response target of 1 business hour"))
    }

    @Test func textFormsKeepValuesAsTheyAreAndHTMLEscapesThem() throws {
        var context = TemplateSamples.team
        var ticket = context["ticket"] as! [String: Any]
        ticket["subject"] = "<b>Tom & Jerry</b> \"quoted\""
        context["ticket"] = ticket
        let rendered = try MessageTemplates(directory: nil).render("breach", context: context)
        #expect(rendered.text.contains("\"<b>Tom & Jerry</b> \"quoted\"\""))
        #expect(rendered.html.contains("&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; &quot;quoted&quot;"))
        #expect(!rendered.html.contains("<b>Tom"))
    }

    @Test(arguments: ["a\nb\n\n\n\nc  \n\n", "\n\na"])
    func tidyKeepsAtMostOneBlankLine(_ raw: String) {
        let tidy = MessageTemplates.tidy(raw)
        #expect(!tidy.contains("\n\n\n"))
        #expect(!tidy.hasPrefix("\n") && !tidy.hasSuffix("\n"))
        #expect(!tidy.contains(" \n"))
    }
}
