import BusinessTime
import Foundation
import Testing
@testable import Daemon
@testable import SLAEngine

/// The compiled renderer against swift-mustache on every default template and partial,
/// with the sample contexts, real contexts and hostile ones: the same bytes each time.
@Suite struct TemplateRendererTests {
    static let templates = try! MessageTemplates(directory: nil)

    /// Every default file by the name and form each library holds it under.
    static let forms: [(name: String, html: Bool)] = DefaultTemplates.files.keys.sorted().flatMap { file -> [(String, Bool)] in
        let name = String(file.dropLast(".mustache".count))
        let form = name.split(separator: ".").dropFirst().last
        switch form {
        case nil: return [(name, false), (name, true)]
        case "html": return [(name, true)]
        default: return [(name, false)]
        }
    }

    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    /// Contexts as the daemon builds them: open, breached, met and clockless tickets, a
    /// digest of several, customer notices with and without a name, clock and remedy.
    static var realContexts: [TemplateValue] {
        let calendar = BusinessCalendar(
            name: "office", timeZone: TimeZone(identifier: "America/New_York")!,
            week: WeeklySchedule(Dictionary(uniqueKeysWithValues: [Weekday.monday, .tuesday, .wednesday, .thursday, .friday].map {
                ($0, [try! TimeWindow(parsing: "09:00-17:00")])
            })))
        let engine = SLAEngine(policies: [
            Policy(name: "standard", calendar: calendar, targets: [nil: [.firstResponse: 3600, .resolution: 30 * 3600]]),
        ])
        let tickets = [
            Ticket(id: "T-1", subject: "Printer <b>\"jam\"</b> & 'smoke'", customer: Customer(id: "c1", name: "Zoë & Co"),
                   priority: .urgent, assignee: "dana", tags: ["vip", "eu"], url: "https://help.example.com/t/1?a=1&b=2",
                   createdAt: now.addingTimeInterval(-40 * 3600)),
            Ticket(id: "T-2", subject: "", customer: Customer(id: ""), createdAt: now.addingTimeInterval(-600)),
            Ticket(id: "T-3", subject: "Umlaut ü, emoji 🧯, combining e\u{301} &\u{301}", customer: Customer(id: "c3", timeZone: "Europe/Berlin"),
                   status: .solved, createdAt: now.addingTimeInterval(-3 * 86_400), firstResponseAt: now.addingTimeInterval(-3 * 86_400 + 60)),
        ]
        var contexts: [TemplateValue] = []
        var lines: [TemplateContext.Line] = []
        for ticket in tickets {
            let clocks = engine.clocks(for: ticket, at: now)
            for (index, clock) in clocks.enumerated() {
                let intent = Intent(ticketID: ticket.id, source: "desk", metric: clock.metric, cycle: clock.cycle,
                                    step: index == 0 ? "breach" : "breach+2h#3", kind: .breach, channel: "leads",
                                    role: index == 0 ? .manager : nil, isLate: index == 1)
                let line = TemplateContext.Line(intent: intent, ticket: ticket, clock: clock, team: index == 0 ? "billing" : nil,
                                                timeZone: calendar.timeZone)
                lines.append(line)
                contexts.append(TemplateContext.team([line], channel: "leads", more: 0, at: now))
                contexts.append(TemplateContext.customer(ticket: ticket, link: ticket.link, clock: clock, nextUpdate: now.addingTimeInterval(7200),
                                                         remedy: "A credit <applies>", timeZone: calendar.timeZone, at: now))
            }
            var intent = Intent(ticketID: ticket.id, metric: .firstResponse, cycle: 1, step: "75%", kind: .warning, channel: "c")
            intent.hold = ClockHold(kind: .snooze, by: "dana <d@example.com>", at: now.addingTimeInterval(-3600), until: now)
            let clockless = TemplateContext.Line(intent: intent, ticket: ticket, clock: nil, team: nil, timeZone: calendar.timeZone)
            lines.append(clockless)
            contexts.append(TemplateContext.team([clockless], channel: "c", more: 0, at: now))
            let riskIntent = Intent(ticketID: ticket.id, source: "desk", risk: .followUps, occurrence: 2, channel: "leads", role: .lead)
            let occurrence = RiskOccurrence(ticketID: ticket.id, source: "desk", risk: .followUps, occurrence: 2,
                                            since: now.addingTimeInterval(-7200), detail: "3 messages <unanswered> & waiting")
            contexts.append(TemplateContext.team([TemplateContext.Line(intent: riskIntent, ticket: ticket, clock: nil, risk: occurrence,
                                                                       team: "billing", timeZone: calendar.timeZone)], channel: "leads", more: 0, at: now))
            contexts.append(TemplateContext.customer(ticket: ticket, link: ticket.link, clock: nil, nextUpdate: nil, remedy: nil, timeZone: .gmt, at: now))
        }
        var digest = TemplateContext.team(lines, channel: "leads", more: 7, at: now)
        digest["breached_count"] = 0
        digest["tickets_need"] = "3 tickets need"
        contexts.append(digest)
        return contexts
    }

    /// Missing keys, false and empty values, values of the wrong kind, markup, quotes,
    /// characters that combine with the next, line breaks of every kind.
    static var hostileContexts: [TemplateValue] {
        let nasty = "<script>alert('x')</script> & \"q\" \r\n\tline2\n\u{2028}end\u{0B}"
        let combining = "&\u{301}<\u{200D}>\u{0600}<'\u{20DD}\"\u{FE0F} ok"
        var contexts: [TemplateValue] = [
            [:],
            ["ticket": false, "clock": false, "step": false, "items": [], "more": false, "customer": false, "remedy": false,
             "next_update": false, "channel_failing": false, "channel_recovered": false, "source_stale": false, "source_recovered": false],
            ["ticket": ["id": "", "subject": "", "url": "", "assignee": "", "customer_name": ""], "clock": ["overdue": "", "time_left": ""],
             "items": [[:], ["ticket": "just text"]], "more": 0, "count": 0, "breached_count": 0, "remedy": "", "next_update": ""],
            ["ticket": [1, 2, 3], "clock": "a string clock", "step": ["late": "", "name": true], "items": ["a", 1, true, false, [[:]]],
             "team": ["nested": "object"], "count": true, "channel_failing": [["channel": "x"], ["channel": "y"]]],
        ]
        for text in [nasty, combining, "\u{1F9EF}\u{200D}🔥 multi-scalar", "a\r\nb\rc\nd"] {
            let value = TemplateValue.string(text)
            let ticket: TemplateValue = ["id": value, "subject": value, "url": value, "priority": value, "assignee": value, "customer_name": value]
            let clock: TemplateValue = ["metric": value, "due": value, "due_utc": value, "overdue": value, "time_left": value, "target": value,
                                        "percent": value, "policy": value, "calendar": value, "met": false]
            let step: TemplateValue = ["name": value, "role": value, "repeat": value, "late": true]
            let item: TemplateValue = ["ticket": ticket, "clock": clock, "step": step]
            contexts.append([
                "ticket": ticket, "clock": clock, "step": step, "team": value, "channel": value, "count": 3, "more": 2,
                "items": [item, ["ticket": ticket, "clock": false, "step": step], item], "tickets_need": value, "breached_count": 1,
                "customer": ["name": value], "next_update": value, "remedy": value, "now": value,
                "channel_failing": ["channel": value, "reason": value, "since": value],
                "channel_recovered": ["channel": value, "since": value, "dead_letters": 4],
                "source_stale": ["source": value, "since": value, "last_success": value],
                "source_recovered": ["source": value, "since": value, "at": value],
                "risk": ["name": value, "words": value, "occurrence": 1, "detail": value, "since": value, "since_utc": value],
                "hold": ["verb": value, "by": value, "at": value, "until": value, "at_utc": value, "until_utc": value],
                "started": true, "ended": ["by": value], "by": value, "value": value, "open": 3, "median": value, "threshold": value,
            ])
        }
        return contexts
    }

    static var sampleContexts: [TemplateValue] {
        [TemplateSamples.team, TemplateSamples.customer, TemplateSamples.ops, TemplateSamples.risk, TemplateSamples.surge]
            .map { TemplateValue(any: $0) }
    }

    @Test func everyDefaultTemplateIsCompiled() {
        for form in Self.forms {
            #expect(Self.templates.renderForm(form.name, html: form.html, context: [:], by: .compiled) != nil, "\(form)")
        }
    }

    @Test(arguments: ["samples", "real", "hostile"])
    func everyDefaultTemplateRendersTheBytesTheLibraryRenders(_ set: String) {
        let contexts = set == "samples" ? Self.sampleContexts : set == "real" ? Self.realContexts : Self.hostileContexts
        for (number, context) in contexts.enumerated() {
            for form in Self.forms {
                let compiled = Self.templates.renderForm(form.name, html: form.html, context: context, by: .compiled)
                let library = Self.templates.renderForm(form.name, html: form.html, context: context, by: .library)
                #expect(compiled != nil)
                #expect(compiled == library, "\(form.name) \(form.html ? "html" : "text") with \(set) context \(number)")
            }
        }
    }

    @Test func theWholeMessageIsTheSameByEitherEngine() {
        for context in Self.realContexts + Self.hostileContexts {
            for name in MessageTemplates.teamTemplates + MessageTemplates.customerTemplates + MessageTemplates.opsTemplates
                + MessageTemplates.surgeTemplates {
                let rendered = Self.templates.render(name, context: context)
                let subject = Self.templates.renderForm("\(name).subject", html: false, context: context, by: .library)!
                let text = Self.templates.renderForm("\(name).text", html: false, context: context, by: .library)!
                let html = Self.templates.renderForm("\(name).html", html: true, context: context, by: .library)!
                #expect(rendered == MessageTemplates.Rendered(
                    subject: MessageTemplates.subjectLine(subject), text: MessageTemplates.tidy(text), html: html))
            }
        }
    }

    /// A template the renderer does not compile (a transform) is still rendered, by the library.
    @Test func aTemplateOnlyTheLibraryRendersStillRenders() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-templates-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "{{uppercased(ticket.id)}} {{> shout}}".write(to: directory.appendingPathComponent("breach.subject.mustache"), atomically: true, encoding: .utf8)
        try "{{#ticket}}{{lowercased(subject)}}{{/ticket}}".write(to: directory.appendingPathComponent("shout.mustache"), atomically: true, encoding: .utf8)
        try "<p>{{> shout}}</p>".write(to: directory.appendingPathComponent("breach.html.mustache"), atomically: true, encoding: .utf8)
        let templates = try MessageTemplates(directory: directory.path)
        #expect(templates.renderForm("breach.subject", html: false, context: [:], by: .compiled) == nil)
        #expect(templates.renderForm("breach.html", html: true, context: [:], by: .compiled) == nil)
        #expect(templates.renderForm("breach.text", html: false, context: [:], by: .compiled) != nil)
        let rendered = templates.render("breach", context: TemplateSamples.team)
        #expect(rendered.subject == "T-1 sample ticket")
        #expect(rendered.html == "<p>sample ticket</p>")
    }
}

/// `[String: Any]` contexts become the values the library sees in them.
@Suite struct TemplateValueTests {
    @Test func flagsNumbersTextListsAndObjectsKeepTheirKinds() {
        let value = TemplateValue(any: ["flag": true, "off": false, "one": 1, "zero": 0, "text": "1", "list": [["a": 1]], "other": 2.5] as [String: Any])
        guard case .bool(true)? = value["flag"], case .bool(false)? = value["off"], case .int(1)? = value["one"], case .int(0)? = value["zero"],
              case .string("1")? = value["text"], case .list(let list)? = value["list"], case .int(1)? = list.first?["a"],
              case .string("2.5")? = value["other"] else {
            Issue.record("\(value.any)")
            return
        }
    }
}
