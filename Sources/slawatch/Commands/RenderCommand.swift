import ArgumentParser
import Daemon
import Delivery
import Foundation
import SLAConfig
import SLAEngine
import Transport

/// `slawatch render`: exactly what a template sends, for every channel kind, so wording
/// can be reviewed before going live.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print what a template would send about a ticket, for every channel kind.",
        discussion: "Templates: \(RenderCommand.templateNames.joined(separator: ", ")). risk renders the ticket's latest risk; "
            + "surge, the first surge rule's start about the ticket's group, tier or channel."
    )

    @OptionGroup var options: ConfigOption
    @OptionGroup var input: TicketOptions

    @Option(help: "The ticket: SOURCE:ID, or its id alone when one source has it.")
    var ticket: String

    @Option(help: "The template to render.")
    var template: String

    @Option(help: "The clock the message is about: first_response, next_reply, periodic_update or resolution (default: the most pressing).")
    var metric: String?

    static let templateNames = MessageTemplates.teamTemplates + MessageTemplates.customerTemplates + MessageTemplates.surgeTemplates

    func run() async throws {
        let configuration = try options.load()
        let now = try input.instant()
        let templates: MessageTemplates
        do {
            templates = try MessageTemplates(directory: configuration.templates)
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.config)
        }
        guard RenderCommand.templateNames.contains(template) else {
            Console.error("--template: no template is named \(template); use one of " + RenderCommand.templateNames.joined(separator: ", "))
            throw ExitCode(ExitStatus.usage)
        }
        let tickets = try await input.read(using: configuration)
        let found = try TicketOptions.find(ticket, in: tickets)
        let clocks = configuration.engine.clocks(for: found, at: now)
        if template == "risk" || template == "surge" {
            let message = template == "risk"
                ? try riskSample(configuration, templates: templates, ticket: found, clocks: clocks, at: now)
                : try surgeSample(configuration, templates: templates, ticket: found, tickets: tickets, at: now)
            for (kind, text) in try SampleRendering.everyKind(message, at: now) {
                Console.out("===== \(kind) =====")
                Console.out(text)
            }
            return
        }
        guard !clocks.isEmpty else {
            Console.error("ticket \(ticket) has no clocks at \(Timestamp(now)); no policy sets a target for it"
                + (found.createdAt > now ? " (it was created at \(Timestamp(found.createdAt)), after --at)" : ""))
            throw ExitCode(ExitStatus.noInput)
        }
        let clock = try chosenClock(clocks, at: now)
        let composer = MessageComposer(
            digestChannels: ["sample"], templates: templates, teams: configuration.teams,
            customerNotices: configuration.customerNotices
        )
        let message = sample(composer, ticket: found, clocks: clocks, clock: clock, at: now)
        for (kind, text) in try SampleRendering.everyKind(message, at: now) {
            Console.out("===== \(kind) =====")
            Console.out(text)
        }
    }

    /// The clock of `--metric` (its latest cycle), else the most pressing one: a warning is
    /// about a clock still running, the other templates take the most pressing. A breach or
    /// a reminder about a clock not yet past its due time is refused (exit 64): no such
    /// message is ever sent.
    private func chosenClock(_ clocks: [SLAClock], at now: Date) throws -> SLAClock {
        var candidates = clocks
        if let metric {
            guard let wanted = Metric(rawValue: metric) else {
                Console.error("--metric: \"\(metric)\" is not a metric; use one of "
                    + Metric.allCases.map(\.rawValue).joined(separator: ", "))
                throw ExitCode(ExitStatus.usage)
            }
            candidates = clocks.filter { $0.metric == wanted }
            guard !candidates.isEmpty else {
                Console.error("--metric: ticket \(ticket) has no \(metric) clock at \(Timestamp(now)); its clocks: "
                    + Set(clocks.map(\.metric)).sorted().map(\.rawValue).joined(separator: ", "))
                throw ExitCode(ExitStatus.usage)
            }
        }
        let open = candidates.filter(\.state.isOpen).sorted { $0.percent > $1.percent }
        let running = open.filter { $0.state != .breached }
        let clock = (template == "warning" ? running.first : nil) ?? open.first ?? candidates.last!
        if ["breach", "repeat"].contains(template), clock.remainingSeconds > 0 || clock.state == .met {
            Console.error("--template \(template): the \(clock.metric.rawValue) clock of \(ticket) is not past its due time at "
                + "\(Timestamp(now)) (it is \(clock.state.rawValue)); a \(template) message is only sent about an overdue clock. "
                + "Pass a later --at, or choose an overdue clock with --metric")
            throw ExitCode(ExitStatus.usage)
        }
        return clock
    }

    /// The message about the ticket's latest risk; refused (exit 64) when it carries none,
    /// as no such message is ever sent.
    private func riskSample(
        _ configuration: Configuration, templates: MessageTemplates, ticket: Ticket, clocks: [SLAClock], at now: Date
    ) throws -> OutboundMessage {
        let engine = configuration.engine
        guard let risk = engine.risks(for: ticket, clocks: clocks, at: now).max(by: { $0.since < $1.since }) else {
            Console.error("--template risk: ticket \(self.ticket) carries no risk at \(Timestamp(now))"
                + (engine.risks.isEmpty ? "; the configuration has no risks:" : " (detectors: \(engine.risks.map(\.kind.rawValue).joined(separator: ", ")))")
                + "; a risk message is only sent about a risk a ticket carries")
            throw ExitCode(ExitStatus.usage)
        }
        let composer = MessageComposer(digestChannels: [], templates: templates, teams: configuration.teams)
        let intent = Intent(ticketID: ticket.id, source: ticket.source, risk: risk.risk, occurrence: risk.occurrence, channel: "sample", role: .lead)
        let item = MessageComposer.Item(intent: intent, subject: MessageComposer.TicketClocks(ticket: ticket, clocks: clocks, risks: [risk]))
        return composer.single(item, channel: "sample", at: now)
    }

    /// The start of a surge in the ticket's value of the first surge rule's dimension, with
    /// the open tickets read; the median is the daemon's, from its store, so none is shown.
    private func surgeSample(
        _ configuration: Configuration, templates: MessageTemplates, ticket: Ticket, tickets: [Ticket], at now: Date
    ) throws -> OutboundMessage {
        guard let rule = configuration.surges.first else {
            Console.error("--template surge: the configuration has no surges:; add one, such as { by: group, over: 50%, notify: manager }")
            throw ExitCode(ExitStatus.usage)
        }
        guard let value = rule.by.value(of: ticket) else {
            Console.error("--template surge: ticket \(self.ticket) has no \(rule.by.rawValue); choose a ticket that has one")
            throw ExitCode(ExitStatus.usage)
        }
        let open = SurgeDetector.count(tickets, by: rule.by, at: now)[value] ?? 0
        let change = SurgeChange(kind: .started, by: rule.by, value: value, open: open, median: 0, days: 0)
        let surge = ActiveSurge(by: rule.by, value: value, since: now, channels: ["sample"])
        return SurgeNotice.message(change, surge: surge, rule: rule, channel: "sample", role: .manager, at: now, templates: templates)
    }

    /// The message the template makes about `clock`.
    private func sample(
        _ composer: MessageComposer, ticket: Ticket, clocks: [SLAClock], clock: SLAClock, at now: Date
    ) -> OutboundMessage {
        let open = clocks.filter(\.state.isOpen).sorted { $0.percent > $1.percent }
        func intent(_ kind: Intent.Kind, _ step: String, late: Bool = false, for clock: SLAClock = clock) -> Intent {
            Intent(ticketID: ticket.id, source: ticket.source, metric: clock.metric, cycle: clock.cycle, step: step, kind: kind, channel: "sample",
                   role: .lead, isLate: late, template: kind == .customerNotice ? template : nil)
        }
        let item: (Intent) -> MessageComposer.Item = { intent in
            MessageComposer.Item(intent: intent, ticket: ticket, clocks: clocks)
        }
        let next = clock.nextStep?.step.label ?? "75%"
        switch template {
        case "digest":
            let lines = (open.isEmpty ? [clock] : open).map { clock in
                item(intent(clock.state == .breached ? .breach : .warning, clock.nextStep?.step.label ?? "breach", for: clock))
            }
            let padded = lines.count > 1 ? lines : lines + lines.map { line in
                var copy = line
                copy.intent.step += "#1"
                return copy
            }
            return composer.compose(padded, at: now)[0].message
        case "breach": return composer.single(item(intent(.breach, "breach")), channel: "sample", at: now)
        case "catch_up": return composer.single(item(intent(.breach, "breach", late: true)), channel: "sample", at: now)
        case "repeat": return composer.single(item(intent(.repeat, "breach+2h#1")), channel: "sample", at: now)
        case "all_clear": return composer.single(item(intent(.allClear, "all_clear")), channel: "sample", at: now)
        case "delay_notice", "update_due":
            return composer.single(item(intent(.customerNotice, "customer_notice")), channel: "sample", at: now)
        default: return composer.single(item(intent(.warning, next)), channel: "sample", at: now)
        }
    }
}

/// A message as each kind of channel would receive it, with placeholder addresses.
enum SampleRendering {
    static let url = Secret("https://hooks.example.invalid/services/PLACEHOLDER")

    static func everyKind(_ message: OutboundMessage, at now: Date) throws -> [(String, String)] {
        var result: [(String, String)] = []
        let encoders: [(String, any ChannelEncoder)] = [
            ("slack", try SlackEncoder(url: url)), ("mattermost", try MattermostEncoder(url: url)),
            ("teams", try TeamsEncoder(url: url)), ("google_chat", try GoogleChatEncoder(url: url)),
            ("discord", try DiscordEncoder(url: url)), ("webhook", try WebhookEncoder(url: url)),
        ]
        for (kind, encoder) in encoders where message.audience == .team {
            let request = try encoder.request(for: message, at: now)
            let headers = request.headers.map { "\($0.name): \($0.isSensitive ? "<secret>" : $0.value)" }
            result.append((kind, (headers + [pretty(request.body)]).joined(separator: "\n")))
        }
        let relay = try SMTPRelay(url: "smtp://smtp.example.invalid:587", from: "Support <support@example.invalid>")
        let email = try EmailNotifier(channel: "sample", relay: relay, transport: NoTransport())
        let recipients = (message.recipients.isEmpty ? ["team@example.invalid"] : message.recipients).compactMap(MailAddress.init(parsing:))
        let mail = String(decoding: email.mailMessage(for: message, to: recipients).rendered(), as: UTF8.self)
        result.append(("email", mail.replacingOccurrences(of: "\r\n", with: "\n")))
        return result
    }

    private static func pretty(_ body: Data) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: body),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return String(decoding: body, as: UTF8.self) }
        return String(decoding: data, as: UTF8.self)
    }

    /// Rendering sends nothing.
    struct NoTransport: MailTransport {
        func send(_ mail: MailRequest) async throws -> MailResponse {
            throw TransportError(code: .invalidRequest, host: "-", message: "render sends nothing", recoverable: false)
        }
    }
}
