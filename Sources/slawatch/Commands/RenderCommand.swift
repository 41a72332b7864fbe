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
        discussion: "Templates: \((MessageTemplates.teamTemplates + MessageTemplates.customerTemplates).joined(separator: ", "))."
    )

    @OptionGroup var options: ConfigOption
    @OptionGroup var input: TicketOptions

    @Option(help: "The ticket: SOURCE:ID, or its id alone when one source has it.")
    var ticket: String

    @Option(help: "The template to render.")
    var template: String

    @Option(help: "The clock the message is about: first_response, next_reply, periodic_update or resolution (default: the most pressing).")
    var metric: String?

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
        guard (MessageTemplates.teamTemplates + MessageTemplates.customerTemplates).contains(template) else {
            Console.error("--template: no template is named \(template); use one of "
                + (MessageTemplates.teamTemplates + MessageTemplates.customerTemplates).joined(separator: ", "))
            throw ExitCode(ExitStatus.usage)
        }
        let tickets = try await input.read(using: configuration)
        let found = try TicketOptions.find(ticket, in: tickets)
        let clocks = configuration.engine.clocks(for: found, at: now)
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
