import BusinessTime
public import Foundation
public import SLAConfig
public import SLAEngine

/// Turns the intents due now into the messages channels receive, worded by the
/// templates: one message per intent, or, for a channel that digests, one message for
/// all of a tick's intents (one line per ticket, worst first).
public struct MessageComposer: Sendable {
    /// Channels that gather a tick's intents into one message.
    public var digestChannels: Set<String>
    public var templates: MessageTemplates
    /// Teams in configuration order, `default` last: a ticket's team is named in messages.
    public var teams: [Team]
    /// How customer notices promise the next update and offer a remedy.
    public var customerNotices: CustomerNoticeSettings

    public init(
        digestChannels: Set<String>, templates: MessageTemplates, teams: [Team] = [],
        customerNotices: CustomerNoticeSettings = CustomerNoticeSettings()
    ) {
        self.digestChannels = digestChannels
        self.templates = templates
        self.teams = teams
        self.customerNotices = customerNotices
    }

    /// An intent with what it needs to be worded: its ticket, its clock as it stands now,
    /// and the ticket's other clocks (a customer's next update comes from `periodic_update`).
    public struct Item: Sendable {
        public var intent: Intent
        public var ticket: Ticket
        public var clock: SLAClock?
        public var ticketClocks: [SLAClock]

        public init(intent: Intent, ticket: Ticket, clock: SLAClock?, ticketClocks: [SLAClock] = []) {
            self.intent = intent
            self.ticket = ticket
            self.clock = clock
            self.ticketClocks = ticketClocks
        }
    }

    /// A digest lists this many tickets, the worst; the rest are counted.
    public static let digestLines = 50

    /// Messages for `items`, each with the ids of the intents it carries.
    public func compose(_ items: [Item], at now: Date) -> [(message: OutboundMessage, intents: [String])] {
        var result: [(message: OutboundMessage, intents: [String])] = []
        var byChannel: [String: [Item]] = [:]
        var order: [String] = []
        for item in items {
            guard let channel = item.intent.channel else { continue }
            if digestChannels.contains(channel) && item.intent.kind != .customerNotice {
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

    /// The template an intent is worded with.
    public static func templateName(for intent: Intent) -> String {
        switch intent.kind {
        case .customerNotice: intent.template ?? "delay_notice"
        case .allClear: "all_clear"
        case _ where intent.isLate: "catch_up"
        case .warning, .skipped: "warning"
        case .breach: "breach"
        case .repeat: "repeat"
        }
    }

    /// One intent's message.
    public func single(_ item: Item, channel: String, at now: Date) -> OutboundMessage {
        let intent = item.intent
        if intent.kind == .customerNotice { return customerNotice(item, channel: channel, at: now) }
        let context = TemplateContext.team([line(item)], channel: channel, more: 0, at: now)
        let rendered = templates.render(MessageComposer.templateName(for: intent), context: context)
        return OutboundMessage(
            key: intent.id, channel: channel, role: intent.role?.rawValue, audience: .team, isUrgent: intent.isUrgent,
            subject: rendered.subject, text: rendered.text, html: rendered.html, tickets: [messageTicket(item)], createdAt: now
        )
    }

    private func customerNotice(_ item: Item, channel: String, at now: Date) -> OutboundMessage {
        let ticket = item.ticket
        let calendar = item.clock?.businessCalendar ?? .alwaysOpen
        let zone = ticket.customer.timeZone.flatMap(TimeZone.init(identifier:)) ?? calendar.timeZone
        // The next update: a running periodic_update clock's due time, else the configured
        // interval in business time from now.
        let periodic = item.ticketClocks.first { $0.metric == .periodicUpdate && $0.state.isOpen && ($0.dueAt ?? now) > now }?.dueAt
        let nextUpdate = periodic ?? calendar.adding(customerNotices.updateEvery, to: now)
        let context = TemplateContext.customer(
            ticket: ticket, clock: item.clock, nextUpdate: nextUpdate,
            remedy: ticket.customer.tier.flatMap { customerNotices.remedies[$0.lowercased()] }, timeZone: zone, at: now
        )
        let rendered = templates.render(MessageComposer.templateName(for: item.intent), context: context)
        return OutboundMessage(
            key: item.intent.id, channel: channel, audience: .customer, isUrgent: true, subject: rendered.subject,
            text: rendered.text, html: rendered.html, tickets: [messageTicket(item)],
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
        var context = TemplateContext.team(shown.map(line), channel: channel, more: items.count - shown.count, at: now)
        context["breached_count"] = items.filter { $0.clock?.state == .breached }.count
        let ticketCount = Set(items.map(\.ticket.id)).count
        context["tickets_count"] = ticketCount
        context["tickets_need"] = ticketCount == 1 ? "1 ticket needs" : "\(ticketCount) tickets need"
        let rendered = templates.render("digest", context: context)
        let ids = keys.map(\.id).sorted().joined(separator: "\n")
        return OutboundMessage(
            key: "digest@\(channel)/\(Int64(now.timeIntervalSince1970))/\(fnv1a(ids))", channel: channel,
            role: Set(items.compactMap { $0.intent.role?.rawValue }).sorted().joined(separator: ","),
            audience: .team, isUrgent: items.contains { $0.intent.isUrgent }, subject: rendered.subject,
            text: rendered.text, html: rendered.html, tickets: shown.map(messageTicket), createdAt: now
        )
    }

    private func line(_ item: Item) -> TemplateContext.Line {
        TemplateContext.Line(
            intent: item.intent, ticket: item.ticket, clock: item.clock,
            team: teams.first { $0.match.holds(for: item.ticket) }?.name,
            timeZone: item.clock?.businessCalendar.timeZone ?? TimeZone(identifier: "UTC")!
        )
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
