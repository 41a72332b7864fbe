public import SLAEngine
import Foundation
public import Transport

/// Delivers to an `email` channel through an SMTP relay: one RFC 5322 message, one SMTP
/// transaction per recipient.
///
/// Recipients are the message's own (a customer notice) or else the channel's `to`, plus
/// its `cc`. Each recipient is tried on its own, so a relay that refuses one address fails
/// only that one: the outcome lists every recipient, and is `partiallyDelivered` when some
/// got it. One attempt per recipient per call; the outbox dispatcher retries the message
/// when no recipient got it. Every copy carries the same `Message-ID`, derived from the idempotency key, so a
/// resend after a crash is recognisable as the same message.
public struct EmailNotifier: Notifier {
    public let channel: String
    public let relay: SMTPRelay
    public let to: [MailAddress]
    public let cc: [MailAddress]
    private let transport: any MailTransport
    private let policy: ChannelPolicy
    private let limiter: RateLimiter
    private let context: DeliveryContext

    public var kind: ChannelKind { .email }

    /// Parses the addresses; `to` empty means the message names its recipients.
    public init(
        channel: String, relay: SMTPRelay, to: [String] = [], cc: [String] = [], transport: any MailTransport,
        policy: ChannelPolicy = ChannelPolicy(), context: DeliveryContext = .system
    ) throws {
        func parse(_ list: [String], key: String) throws -> [MailAddress] {
            try list.map { text in
                guard let address = MailAddress(parsing: text) else {
                    throw ChannelSettingsError(
                        code: .invalidAddress,
                        message: "channel \(channel): \(key) holds \"\(MIMEText.headerSafe(text))\", which is not an address; "
                            + "write name@example.com or \"Name <name@example.com>\"")
                }
                return address
            }
        }
        self.channel = channel
        self.relay = relay
        self.to = try parse(to, key: "to")
        self.cc = try parse(cc, key: "cc")
        self.transport = transport
        self.policy = policy
        self.context = context
        limiter = RateLimiter(rate: policy.rateLimit, clock: context.clock)
    }

    /// The message as it goes to the relay, for `render` and the tests.
    public func mailMessage(for message: OutboundMessage, to recipients: [MailAddress]) -> MailMessage {
        MailMessage(
            from: relay.from, to: recipients, cc: cc, subject: message.subject, text: message.text + EmailNotifier.actionText(message),
            html: EmailNotifier.withActions(message.html ?? EmailNotifier.html(for: message), message), date: message.createdAt,
            messageID: MailMessage.messageID(forKey: message.key, domain: relay.from.domain))
    }

    public func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        var invalid: [RecipientOutcome] = []
        var recipients = to
        if !message.recipients.isEmpty {
            recipients = []
            for text in message.recipients {
                if let address = MailAddress(parsing: text) {
                    recipients.append(address)
                } else {
                    var error = DeliveryError(
                        code: .invalidMessage, recoverable: false,
                        message: "\"\(MIMEText.headerSafe(text))\" is not a mail address; check the ticket's customer email")
                    error.isMessageOnly = true
                    invalid.append(
                        RecipientOutcome(address: MIMEText.headerSafe(text), status: .failed, attempts: 0, error: error))
                }
            }
        }
        var envelope: [MailAddress] = []
        var seen: Set<String> = []
        for address in recipients + cc where seen.insert(address.address.lowercased()).inserted {
            envelope.append(address)
        }
        // A retry goes only to the recipients that did not get it; invalid ones were final.
        if let retryTo = message.retryTo {
            let remaining = Set(retryTo.map { $0.lowercased() })
            envelope = envelope.filter { remaining.contains($0.address.lowercased()) }
            invalid = []
        }
        guard !envelope.isEmpty else {
            let error = invalid.first?.error ?? DeliveryError(
                code: .invalidMessage, recoverable: false,
                message: "channel \(channel) has no recipient: set its to, or send it messages that name recipients")
            return DeliveryOutcome(
                key: message.key, channel: channel, kind: kind, status: .failed, attempts: 0, error: error,
                recipients: invalid)
        }
        let data = mailMessage(for: message, to: recipients).rendered()
        let results = await withTaskGroup(of: (Int, RecipientOutcome).self) { group in
            for (index, address) in envelope.enumerated() {
                group.addTask { (index, await send(data, to: address)) }
            }
            var collected: [(Int, RecipientOutcome)] = []
            for await result in group { collected.append(result) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let all = results + invalid
        let delivered = all.filter { $0.status == .delivered }.count
        let status: DeliveryOutcome.Status =
            if delivered == all.count {
                .delivered
            } else if delivered > 0 {
                .partiallyDelivered
            } else if all.contains(where: { $0.status == .cancelled }) {
                .cancelled
            } else {
                .failed
            }
        let firstFailure = all.first { $0.status != .delivered }
        return DeliveryOutcome(
            key: message.key, channel: channel, kind: kind, status: status, attempts: all.map(\.attempts).reduce(0, +),
            answer: firstFailure?.answer ?? all.first?.answer, error: firstFailure?.error, recipients: all)
    }

    private func send(_ data: Data, to address: MailAddress) async -> RecipientOutcome {
        let request = relay.request(recipient: address, message: data, timeout: policy.timeout)
        let redaction = Redaction(url: Secret(relay.url), extra: relay.password.map { [$0] } ?? [])
        let result = await SingleAttempt(limiter: limiter).run {
            do {
                let response = try await transport.send(request)
                // The reply's text, without its code, which the answer shows already.
                let text = response.reply.hasPrefix("\(response.code) ") ? response.reply.dropFirst(4) : Substring(response.reply)
                return .success(ReceiverAnswer(status: response.code, excerpt: ReceiverAnswer.excerpt(of: Array(text.utf8), redaction: { redaction })))
            } catch let error as TransportError {
                var failure = DeliveryError(error)
                failure.message = redaction.apply(failure.message)
                return .failure(failure, error.replyCode.map { ReceiverAnswer(status: $0, excerpt: "") })
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                return .failure(
                    DeliveryError(code: .protocolError, recoverable: true, message: "sending to \(relay.host) failed unexpectedly"), nil)
            }
        }
        return RecipientOutcome(
            address: address.address, status: result.status, attempts: result.attempts, answer: result.answer, error: result.error)
    }

    /// An HTML part from the plain text: escaped, line breaks kept, tickets linked.
    /// The tickets' acknowledge and snooze links as text lines; empty when there are none.
    static func actionText(_ message: OutboundMessage) -> String {
        let lines = message.tickets.flatMap { ticket in
            ticket.actionLinks.map { "\($0.title) \(MIMEText.headerSafe(ticket.id)): \($0.url)" }
        }
        return lines.isEmpty ? "" : "\n\n" + lines.joined(separator: "\n") + "\n"
    }

    /// `html` with the tickets' action links added (before `</body>` when it has one).
    static func withActions(_ html: String, _ message: OutboundMessage) -> String {
        let rows = message.tickets.compactMap { ticket -> String? in
            let links = ticket.actionLinks.map { "<a href=\"\(MIMEText.htmlEscaped($0.url))\">\($0.title)</a>" }
            return links.isEmpty ? nil : "<p>\(MIMEText.htmlEscaped(ticket.id)): \(links.joined(separator: " · "))</p>\n"
        }
        guard !rows.isEmpty else { return html }
        if let end = html.range(of: "</body>", options: .backwards) {
            return html.replacingCharacters(in: end.lowerBound..<end.lowerBound, with: rows.joined())
        }
        return html + rows.joined()
    }

    static func html(for message: OutboundMessage) -> String {
        var html = "<!DOCTYPE html>\n<html><body>\n"
        html += "<div style=\"font-family:sans-serif;white-space:pre-wrap\">" + MIMEText.htmlEscaped(message.text) + "</div>\n"
        if !message.tickets.isEmpty {
            html += "<ul>\n"
            for ticket in message.tickets {
                let id = MIMEText.htmlEscaped(ticket.id)
                let label = ChatText.linkTarget(ticket.url).map { "<a href=\"\(MIMEText.htmlEscaped($0))\">\(id)</a>" } ?? "<b>\(id)</b>"
                html += "<li>\(label) \(MIMEText.htmlEscaped(ticket.subject))<br><small>\(MIMEText.htmlEscaped(ticket.detailLine))</small></li>\n"
            }
            html += "</ul>\n"
        }
        return html + "</body></html>\n"
    }
}
