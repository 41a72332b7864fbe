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
    /// Channels that show a message's HTML form (mail, webhooks); nil for every channel.
    /// The others get none: it is never shown there, and wording it costs as much as the rest.
    public var htmlChannels: Set<String>?
    /// Signs the acknowledge and snooze links of team messages; nil without `public_url`.
    public var links: ActionLinks?

    public init(
        digestChannels: Set<String>, templates: MessageTemplates, teams: [Team] = [],
        customerNotices: CustomerNoticeSettings = CustomerNoticeSettings(), htmlChannels: Set<String>? = nil
    ) {
        self.digestChannels = digestChannels
        self.templates = templates
        self.teams = teams
        self.customerNotices = customerNotices
        self.htmlChannels = htmlChannels
    }

    private func wantsHTML(_ channel: String) -> Bool { htmlChannels?.contains(channel) ?? true }

    /// A ticket and its clocks as they stand now, shared by every item about the ticket:
    /// a catch-up over a large backlog carries many intents, and each item stays small.
    public final class TicketClocks: Sendable {
        /// The ticket, as the position in a batch the caller already holds: a ticket is
        /// several hundred bytes, and a large tick keeps tens of thousands of these.
        private let batch: [Ticket]
        private let position: Int
        public let clocks: [SLAClock]
        /// The risks the ticket carries now.
        public let risks: [RiskOccurrence]

        public var ticket: Ticket { batch[position] }

        public init(ticket: Ticket, clocks: [SLAClock], risks: [RiskOccurrence] = []) {
            self.batch = [ticket]
            self.position = 0
            self.clocks = clocks
            self.risks = risks
        }

        /// The ticket at `position` in `batch`, which is shared, not copied.
        public init(_ batch: [Ticket], _ position: Int, clocks: [SLAClock], risks: [RiskOccurrence] = []) {
            self.batch = batch
            self.position = position
            self.clocks = clocks
            self.risks = risks
        }

        /// The clock an intent is about; nil for a risk.
        public func clock(of intent: Intent) -> SLAClock? {
            guard intent.risk == nil else { return nil }
            return clocks.first { $0.metric == intent.metric && $0.cycle == intent.cycle }
        }

        /// The risk occurrence an intent is about; nil for a clock's.
        public func risk(of intent: Intent) -> RiskOccurrence? {
            guard let risk = intent.risk else { return nil }
            return risks.first { $0.risk == risk && $0.occurrence == intent.cycle }
        }

        /// Whether the intent is still wanted: its clock open, or, for a risk, its ticket unsolved.
        public func isOpen(for intent: Intent) -> Bool {
            intent.risk != nil ? !ticket.status.isSolved : clock(of: intent)?.state.isOpen ?? false
        }
    }

    /// An intent with what it needs to be worded: its ticket, its clock as it stands now,
    /// and the ticket's other clocks (a customer's next update comes from `periodic_update`).
    public struct Item: Sendable {
        public var intent: Intent
        public let subject: TicketClocks
        /// Where the intent's clock is in `subject.clocks`.
        private let clockIndex: Int?

        public init(intent: Intent, subject: TicketClocks) {
            self.intent = intent
            self.subject = subject
            clockIndex = intent.risk != nil ? nil : subject.clocks.firstIndex { $0.metric == intent.metric && $0.cycle == intent.cycle }
        }

        public init(intent: Intent, ticket: Ticket, clocks: [SLAClock]) {
            self.init(intent: intent, subject: TicketClocks(ticket: ticket, clocks: clocks))
        }

        public var ticket: Ticket { subject.ticket }
        /// The intent's clock; nil when it is not among the ticket's clocks.
        public var clock: SLAClock? { clockIndex.map { subject.clocks[$0] } }
        public var ticketClocks: [SLAClock] { subject.clocks }
        /// The intent's risk occurrence, for a risk.
        public var risk: RiskOccurrence? { subject.risk(of: intent) }
        /// The intent's clock's percent and state, read in place: a clock is large to copy.
        var clockPercent: Double? { clockIndex.map { subject.clocks[$0].percent } }
        var clockState: ClockState? { clockIndex.map { subject.clocks[$0].state } }
    }

    /// A digest lists this many tickets, the worst; the rest are counted.
    public static let digestLines = 50

    /// Messages for `items`, each with the positions in `items` of the intents it carries.
    ///
    /// Messages of one ticket each are worded on every core: wording is pure, and a large
    /// tick words tens of thousands.
    /// `items` may be a view that makes each item as it is read (the tick's `ReadyItems`), so
    /// a large tick holds no second copy of its intents.
    public func compose<Items: RandomAccessCollection<Item> & Sendable>(
        _ items: Items, at now: Date
    ) -> [(message: OutboundMessage, items: [Int])] where Items.Index == Int {
        // Digests gather indices into `items`, so a large tick copies no items.
        var byChannel: [String: [Int]] = [:]
        var order: [String] = []
        var singles: [[Int]] = []
        // A customer hears once per tick about a ticket: notices about two of its clocks
        // (first response and resolution breached together) are one message, worded about
        // the clock furthest past its due time, carrying both intents.
        var notices: [NoticeOf: Int] = [:]
        for index in items.indices {
            let item = items[index]
            guard let channel = item.intent.channel else { continue }
            if item.intent.kind == .customerNotice {
                let of = NoticeOf(ticket: item.ticket.key, channel: channel)
                if let group = notices[of] {
                    singles[group].append(index)
                } else {
                    notices[of] = singles.count
                    singles.append([index])
                }
            } else if digestChannels.contains(channel) {
                if byChannel[channel] == nil { order.append(channel) }
                byChannel[channel, default: []].append(index)
            } else {
                singles.append([index])
            }
        }
        let groups = singles
        var result = wordInParallel(groups.count) { n, dates -> (message: OutboundMessage, items: [Int]) in
            let worded = groups[n].count == 1 ? items[groups[n][0]]
                : groups[n].lazy.map { items[$0] }.max { ($0.clockPercent ?? 0) < ($1.clockPercent ?? 0) }!
            return (self.single(worded, channel: worded.intent.channel!, at: now, dates: &dates), groups[n])
        }
        for channel in order {
            let group = byChannel[channel]!
            let message = group.count == 1
                ? single(items[group[0]], channel: channel, at: now)
                : digest(group, of: items, channel: channel, at: now)
            result.append((message, group))
        }
        return result
    }

    /// One customer's notices about one ticket through one channel.
    private struct NoticeOf: Hashable {
        var ticket: String
        var channel: String
    }

    /// Messages per part when wording on every core: large enough that handing out parts costs nothing.
    static let messagesPerPart = 256

    /// `count` values made by `make`, in order, on every core; each part of the work has
    /// dates of its own to remember.
    private func wordInParallel<T: Sendable>(_ count: Int, _ make: @Sendable (Int, inout RecentDates) -> T) -> [T] {
        guard count > MessageComposer.messagesPerPart else {
            var dates = RecentDates()
            return (0..<count).map { make($0, &dates) }
        }
        let parts = (count + MessageComposer.messagesPerPart - 1) / MessageComposer.messagesPerPart
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let base = buffer.baseAddress!
            // Each part writes its own range of the buffer, so no two threads touch the same slot.
            nonisolated(unsafe) let slots = base
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = part * MessageComposer.messagesPerPart..<min(count, (part + 1) * MessageComposer.messagesPerPart)
                var dates = RecentDates()
                for n in range { (slots + n).initialize(to: make(n, &dates)) }
            }
            initialized = count
        }
    }

    /// The template an intent is worded with.
    public static func templateName(for intent: Intent) -> String {
        switch intent.kind {
        case .customerNotice: intent.template ?? "delay_notice"
        case .risk: "risk"
        case .allClear: "all_clear"
        case .acknowledged: "acknowledged"
        // A step a hold kept back is late on purpose, not missed: it says why it comes now.
        case _ where intent.isLate && intent.hold == nil: "catch_up"
        case .warning, .skipped: "warning"
        case .breach: "breach"
        case .repeat: "repeat"
        }
    }

    /// One intent's message.
    public func single(_ item: Item, channel: String, at now: Date) -> OutboundMessage {
        var dates = RecentDates()
        return single(item, channel: channel, at: now, dates: &dates)
    }

    /// The same, with the dates worded lately for other messages.
    func single(_ item: Item, channel: String, at now: Date, dates: inout RecentDates) -> OutboundMessage {
        let intent = item.intent
        if intent.kind == .customerNotice { return customerNotice(item, channel: channel, at: now, dates: &dates) }
        let line = line(item)
        let context = TemplateContext.team([line], channel: channel, more: 0, at: now, dates: &dates)
        var rendered = templates.render(MessageComposer.templateName(for: intent), context: context, withHTML: wantsHTML(channel))
        var notes: [String] = []
        if let hold = intent.hold, intent.kind != .acknowledged { notes.append(MessageComposer.resumedNote(hold)) }
        if case .ended(let silence) = intent.silencing { notes.append(MessageComposer.unsilencedNote(silence)) }
        for note in notes {
            rendered.text += "\n\n" + note
            if !rendered.html.isEmpty { rendered.html += "<p><em>\(ReportHTML.escape(note))</em></p>" }
        }
        return OutboundMessage(
            key: intent.id, channel: channel, role: intent.role?.rawValue, audience: .team, isUrgent: intent.isUrgent,
            subject: rendered.subject, text: rendered.text, html: rendered.html, tickets: [messageTicket(item, link: line.link, at: now)],
            createdAt: now
        )
    }

    private func customerNotice(_ item: Item, channel: String, at now: Date, dates: inout RecentDates) -> OutboundMessage {
        let ticket = item.ticket, clock = item.clock
        let calendar = clock?.businessCalendar ?? .alwaysOpen
        let zone = ticket.customer.timeZone.flatMap(TimeZone.init(identifier:)) ?? calendar.timeZone
        // The next update: a running periodic_update clock's due time, else the configured
        // interval in business time from now.
        let periodic = item.ticketClocks.first { $0.metric == .periodicUpdate && $0.state.isOpen && ($0.dueAt ?? now) > now }?.dueAt
        let nextUpdate = periodic ?? calendar.adding(customerNotices.updateEvery, to: now)
        let link = ticket.link
        let context = TemplateContext.customer(
            ticket: ticket, link: link, clock: clock, nextUpdate: nextUpdate,
            remedy: ticket.customer.tier.flatMap { customerNotices.remedies[$0.lowercased()] }, timeZone: zone, at: now,
            dates: &dates
        )
        let rendered = templates.render(MessageComposer.templateName(for: item.intent), context: context, withHTML: wantsHTML(channel))
        return OutboundMessage(
            key: item.intent.id, channel: channel, audience: .customer, isUrgent: true, subject: rendered.subject,
            text: rendered.text, html: rendered.html,
            tickets: [messageTicket(item, link: link, dueAt: clock?.dueAt, at: now, withLinks: false)],
            recipients: ticket.customer.email.map { [$0] } ?? [], createdAt: now
        )
    }

    // MARK: Digests

    /// The digest of the items at `positions` in `all`.
    private func digest<Items: RandomAccessCollection<Item>>(
        _ positions: [Int], of all: Items, channel: String, at now: Date
    ) -> OutboundMessage where Items.Index == Int {
        // One pass reading fields in place: copying 100,000 items six times is measurable.
        // Ids are hashed as they are made, not kept; the few ties need them again.
        var idHash = SetHash()
        var percents: [Double] = []
        percents.reserveCapacity(positions.count)
        var breachedTickets = Set<String>()
        var ticketIDs = Set<String>()
        var roles = Set<String>()
        var isUrgent = false
        // A ticket's intents mostly come one after another, about the same subject: its key
        // is made and counted once for the run.
        var last: (subject: TicketClocks, key: String, breached: Bool)?
        for position in positions {
            let item = all[position]
            idHash.add(item.intent.id)
            percents.append(item.clockPercent ?? 0)
            let breached = item.clockState == .breached
            if let run = last, run.subject === item.subject {
                if breached && !run.breached {
                    breachedTickets.insert(run.key)
                    last!.breached = true
                }
            } else {
                let ticket = item.subject.ticket.key
                if breached { breachedTickets.insert(ticket) }
                ticketIDs.insert(ticket)
                last = (item.subject, ticket, breached)
            }
            if let role = item.intent.role { roles.insert(role.rawValue) }
            isUrgent = isUrgent || item.intent.isUrgent
        }
        // Worst first: the furthest past (or nearest) its due time.
        let shown = worst(MessageComposer.digestLines, of: percents.indices) { a, b in
            percents[a] != percents[b] ? percents[a] > percents[b] : all[positions[a]].intent.id < all[positions[b]].intent.id
        }.map { all[positions[$0]] }
        let lines = shown.map(line)
        var context = TemplateContext.team(lines, channel: channel, more: positions.count - shown.count, at: now)
        // Tickets, like the count it stands beside, not clocks: one ticket breached on two
        // metrics is one ticket breached.
        context["breached_count"] = .int(breachedTickets.count)
        context["tickets_count"] = .int(ticketIDs.count)
        context["tickets_need"] = .string(ticketIDs.count == 1 ? "1 ticket needs" : "\(ticketIDs.count) tickets need")
        let rendered = templates.render("digest", context: context, withHTML: wantsHTML(channel))
        return OutboundMessage(
            key: "digest@\(channel)/\(Int64(now.timeIntervalSince1970))/\(idHash.value)",
            channel: channel, role: roles.sorted().joined(separator: ","),
            audience: .team, isUrgent: isUrgent, subject: rendered.subject,
            text: rendered.text, html: rendered.html, tickets: zip(shown, lines).map { messageTicket($0, link: $1.link, at: now) },
            createdAt: now
        )
    }

    private func line(_ item: Item) -> TemplateContext.Line {
        TemplateContext.Line(
            intent: item.intent, ticket: item.ticket, clock: item.clock, risk: item.risk,
            team: teams.first { $0.match.holds(for: item.ticket) }?.name,
            timeZone: item.clock?.businessCalendar.timeZone ?? TimeZone(identifier: "UTC")!
        )
    }

    /// The ticket line of a message; team messages about an open clock carry its action links.
    /// `link` is the ticket's (`Ticket.link`), checked once for the message and its context.
    /// `dueAt` is the clock's, when the caller has read it already.
    private func messageTicket(_ item: Item, link: String?, dueAt: Date?? = nil, at now: Date, withLinks: Bool = true) -> MessageTicket {
        let ticket = item.ticket
        var line = MessageTicket(
            id: ticket.id, source: ticket.source, subject: ticket.subject, url: link, metric: item.intent.metric,
            cycle: item.intent.cycle, step: item.intent.step, dueAt: dueAt ?? item.clock?.dueAt, risk: item.intent.risk
        )
        // Risks have no clock to hold: no links.
        if withLinks, let links, let metric = item.intent.metric, item.intent.kind != .allClear, item.clockState?.isOpen ?? true {
            let cycle = item.intent.cycle
            line.ackURL = links.url(.ack, source: item.ticket.source, ticketID: item.ticket.id, metric: metric, cycle: cycle, at: now)
            line.snoozeURL = links.url(.snooze, source: item.ticket.source, ticketID: item.ticket.id, metric: metric, cycle: cycle, at: now)
        }
        return line
    }

    /// The line the catch-up of a breached clock carries when the silence that muted its
    /// news has ended.
    static func unsilencedNote(_ silence: Silence?) -> String {
        guard let silence else {
            return "Messages about this clock were muted by a silence, which has ended; the clock is still breached."
        }
        return "Messages about this clock were muted by silence \(silence.id) (\(silence.reason)) until \(Timestamp(silence.endsAt)); "
            + "the silence has ended and the clock is still breached."
    }

    /// The line a step held back by an acknowledgement or snooze carries when it goes out.
    static func resumedNote(_ hold: ClockHold) -> String {
        "\(hold.verb.prefix(1).uppercased() + hold.verb.dropFirst()) by \(hold.by) at \(Timestamp(hold.at)); "
            + "the hold ended at \(Timestamp(hold.until)) with the clock still open, so escalation resumes."
    }
}

/// The first `count` of `indices` in the order `precedes` gives, in that order: a digest of
/// a large catch-up shows 50 lines, and sorting all of it to find them would be wasted.
func worst(_ count: Int, of indices: Range<Int>, by precedes: (Int, Int) -> Bool) -> [Int] {
    var kept: [Int] = []
    kept.reserveCapacity(count + 1)
    for index in indices {
        if kept.count == count, let last = kept.last, !precedes(index, last) { continue }
        // Kept is short: a linear search for the place is cheaper than a binary one's bookkeeping.
        let place = kept.firstIndex { precedes(index, $0) } ?? kept.count
        kept.insert(index, at: place)
        if kept.count > count { kept.removeLast() }
    }
    return kept
}

/// A short stable name for a set of ids, whatever their order: the wrapping sum of each
/// id's FNV-1a (64 bits), as hex. No sort and no list, so a digest of a large catch-up is
/// named cheaply.
struct SetHash {
    private var sum: UInt64 = 0

    mutating func add(_ id: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        sum &+= hash
    }

    var value: String { String(sum, radix: 16) }
}
