public import Foundation
public import SLAEngine

/// Turns the intents due now into the messages channels receive: one message per
/// intent, or, for a channel that digests, one message for all of a tick's intents
/// (one line per ticket, worst first).
///
/// Texts are plain; channel encoders escape them for their format.
public struct MessageComposer: Sendable {
    /// Channels that gather a tick's intents into one message.
    public var digestChannels: Set<String>

    public init(digestChannels: Set<String>) {
        self.digestChannels = digestChannels
    }

    /// An intent with what it needs to be worded: its ticket and the clock as it stands now.
    public struct Item: Sendable {
        public var intent: Intent
        public var ticket: Ticket
        public var clock: SLAClock?

        public init(intent: Intent, ticket: Ticket, clock: SLAClock?) {
            self.intent = intent
            self.ticket = ticket
            self.clock = clock
        }
    }

    /// Messages for `items`, each with the ids of the intents it carries.
    public func compose(_ items: [Item], at now: Date) -> [(message: OutboundMessage, intents: [String])] {
        var result: [(message: OutboundMessage, intents: [String])] = []
        var byChannel: [String: [Item]] = [:]
        var order: [String] = []
        for item in items {
            guard let channel = item.intent.channel else { continue }
            let digests = digestChannels.contains(channel) && item.intent.kind != .customerNotice
            if digests {
                if byChannel[channel] == nil { order.append(channel) }
                byChannel[channel, default: []].append(item)
            } else {
                result.append((single(item, channel: channel, at: now), [item.intent.id]))
            }
        }
        for channel in order {
            let group = byChannel[channel]!
            if group.count == 1 {
                result.append((single(group[0], channel: channel, at: now), [group[0].intent.id]))
            } else {
                result.append((digest(group, channel: channel, at: now), group.map(\.intent.id)))
            }
        }
        return result
    }

    // MARK: One intent

    private func single(_ item: Item, channel: String, at now: Date) -> OutboundMessage {
        let intent = item.intent, ticket = item.ticket
        let line = ticketLine(item)
        var subject: String
        var text: [String]
        switch intent.kind {
        case .customerNotice:
            return customerNotice(item, channel: channel, at: now)
        case .allClear:
            let outcome = item.clock.map { $0.state == .met ? "was met" : "is fulfilled (late)" } ?? "is fulfilled"
            subject = "[SLA all clear] \(ticket.id) \(intent.metric.words) \(outcome)"
            text = ["All clear: the \(intent.metric.words) clock of \(ticket.id) \(outcome); no further escalation.", line.detail]
        case .warning, .breach, .repeat, .skipped:
            subject = "[\(label(intent))] \(ticket.id) \(intent.metric.words): \(line.status)"
            text = [line.headline, line.detail]
            if intent.isLate {
                text.append("Late: \(lateness(item, at: now)).")
            }
        }
        if let url = ticket.url { text.append(url) }
        return OutboundMessage(
            key: intent.id, channel: channel, role: intent.role?.rawValue, audience: .team, isUrgent: intent.isUrgent,
            subject: subject, text: text.joined(separator: "\n"), tickets: [messageTicket(item)], createdAt: now
        )
    }

    private func customerNotice(_ item: Item, channel: String, at now: Date) -> OutboundMessage {
        let ticket = item.ticket
        let name = ticket.customer.name ?? "there"
        let subject = "Update on your request \(ticket.id): \(ticket.subject)"
        let text = [
            "Hello \(name),",
            "",
            "We have not yet been able to give your request \"\(ticket.subject)\" (\(ticket.id)) the \(item.intent.metric.words) we promised, and we are sorry for the wait.",
            "Your request is with our team, and we will write to you again as soon as we have news.",
            "",
            "Kind regards,",
            "Support",
        ]
        return OutboundMessage(
            key: item.intent.id, channel: channel, audience: .customer, isUrgent: true, subject: subject,
            text: text.joined(separator: "\n"), tickets: [messageTicket(item)],
            recipients: ticket.customer.email.map { [$0] } ?? [], createdAt: now
        )
    }

    // MARK: Digests

    private func digest(_ items: [Item], channel: String, at now: Date) -> OutboundMessage {
        // Worst first: the furthest past (or nearest) its due time. Keys are worked out once.
        let keys = items.map { (percent: $0.clock?.percent ?? 0, id: $0.intent.id) }
        let order = items.indices.sorted { a, b in
            keys[a].percent != keys[b].percent ? keys[a].percent > keys[b].percent : keys[a].id < keys[b].id
        }
        let shown = order.prefix(MessageComposer.digestLines).map { items[$0] }
        let urgent = items.contains { $0.intent.isUrgent }
        let breached = items.filter { $0.clock?.state == .breached }.count
        let tickets = Set(items.map(\.ticket.id)).count
        let subject = "[SLA] \(tickets) ticket\(tickets == 1 ? " needs" : "s need") attention"
            + (breached > 0 ? " (\(breached) clock\(breached == 1 ? "" : "s") breached)" : "")
        var text = ["\(items.count) SLA notifications for \(channel):"]
        for item in shown {
            let line = ticketLine(item)
            text.append("• [\(label(item.intent))] \(line.headline)" + (item.intent.isLate ? " (late)" : ""))
        }
        if items.count > shown.count {
            text.append("… and \(items.count - shown.count) more, less urgent.")
        }
        let ids = keys.map(\.id).sorted().joined(separator: "\n")
        return OutboundMessage(
            key: "digest@\(channel)/\(Int64(now.timeIntervalSince1970))/\(fnv1a(ids))", channel: channel,
            role: Set(items.compactMap { $0.intent.role?.rawValue }).sorted().joined(separator: ","),
            audience: .team, isUrgent: urgent, subject: subject, text: text.joined(separator: "\n"),
            tickets: shown.map(messageTicket), createdAt: now
        )
    }

    /// A digest lists this many tickets, the worst; the rest are counted.
    public static let digestLines = 50

    // MARK: Wording

    private func label(_ intent: Intent) -> String {
        switch intent.kind {
        case .warning: "SLA warning \(intent.step)"
        case .breach: "SLA breach"
        case .repeat: "SLA still breached"
        case .allClear: "SLA all clear"
        case .customerNotice: "delay notice"
        case .skipped: "SLA"
        }
    }

    private func ticketLine(_ item: Item) -> (headline: String, status: String, detail: String) {
        let ticket = item.ticket, intent = item.intent
        guard let clock = item.clock else {
            return ("\(ticket.id) \(ticket.subject)", intent.metric.words, "Priority \(ticket.priority.rawValue).")
        }
        let due = clock.dueAt.map { Timestamp($0).description } ?? "never"
        let status: String
        switch clock.state {
        case .breached: status = "overdue by \(DurationText.compact(-clock.remainingSeconds)) (due \(due))"
        case .met, .missed: status = "\(clock.state.rawValue) (due \(due))"
        case .running, .paused: status = "\(DurationText.compact(clock.remainingSeconds)) left, due \(due)"
        }
        let headline = "\(ticket.id) \(ticket.subject) — \(intent.metric.words) \(status)"
        var detail = "Priority \(ticket.priority.rawValue), policy \(clock.policy)"
        if let name = ticket.customer.name { detail += ", customer \(name)" }
        if let assignee = ticket.assignee { detail += ", assignee \(assignee)" }
        if let role = intent.role { detail += "; you are notified as \(role.rawValue)" }
        return (headline, status, detail + ".")
    }

    private func lateness(_ item: Item, at now: Date) -> String {
        let parts = item.intent.step.split(separator: "#")
        let repetition = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        guard let clock = item.clock, let step = clock.ladder?.steps.first(where: { $0.label == parts.first.map(String.init) }),
              let crossed = clock.instant(atElapsed: step.threshold.elapsed(forTarget: clock.targetSeconds)
                  + repetition * (step.repeatEvery ?? 0))
        else {
            return "this step was due earlier, while slawatch was not watching"
        }
        return "the \(item.intent.step) step was crossed at \(Timestamp(crossed)), "
            + "\(DurationText.compact(Int(now.timeIntervalSince(crossed)))) ago, while slawatch was not watching"
    }

    private func messageTicket(_ item: Item) -> MessageTicket {
        MessageTicket(
            id: item.ticket.id, subject: item.ticket.subject, url: item.ticket.url, metric: item.intent.metric,
            cycle: item.intent.cycle, step: item.intent.step, dueAt: item.clock?.dueAt
        )
    }
}

/// FNV-1a, 64 bits, as hex: a short stable name for a set of ids.
func fnv1a(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash &*= 0x100_0000_01b3
    }
    return String(hash, radix: 16)
}
