public import Foundation

extension Escalator {
    /// The intents owed now about a ticket's risks.
    ///
    /// - Each occurrence fires once, to the rule's `notify` resolved through the ticket's
    ///   team, held by a channel's quiet hours like a warning; never to the customer.
    /// - A solved or closed ticket is past helping: nothing fires about it.
    /// - When several occurrences of one risk are owed at once (the daemon was down, or the
    ///   ticket was first seen late), only the latest fires, marked late; an occurrence never
    ///   fires after a later one has.
    ///
    /// `history` holds what earlier ticks recorded, by key (`RiskKey.series`). A later
    /// occurrence reaching a channel withdraws an earlier one still held for it. A silence
    /// standing over the ticket mutes them, as it mutes warnings.
    public func decideRisks(
        ticket: Ticket, risks: [RiskOccurrence], rules: [RiskRule], history: LadderHistory, now: Date,
        silences: [Silence] = []
    ) -> Decision {
        var decision = Decision()
        guard !risks.isEmpty, !ticket.status.isSolved else { return decision }
        for rule in rules {
            let found = risks.filter { $0.risk == rule.kind }
            guard let latest = found.last else { continue }
            let series = RiskKey.series(ticket.key, rule.kind)
            let records = history.records(for: series)
            let fired = records.compactMap { Int($0.step) }.max() ?? 0
            let owed = found.filter { $0.occurrence > fired }
            guard latest.occurrence > fired else { continue }
            let isLate = owed.count > 1 || now.timeIntervalSince(latest.since) > Double(lateAfterSeconds)
            let recipients = resolve(rule.notify, team: team(for: ticket))
            if recipients.isEmpty {
                decision.intents.append(Intent(
                    ticketID: ticket.id, source: ticket.source, risk: rule.kind, occurrence: latest.occurrence, channel: nil,
                    reason: "no channel for \(rule.notify.joined(separator: ", ")) in team \(team(for: ticket)?.name ?? "(none)")"
                ))
                continue
            }
            for (role, channel) in recipients {
                var intent = Intent(
                    ticketID: ticket.id, source: ticket.source, risk: rule.kind, occurrence: latest.occurrence, channel: channel, role: role,
                    isLate: isLate, notBefore: quietUntil(on: channel, at: now)
                )
                if let silence = Silence.muting(.risk, of: ticket, among: silences, at: now) {
                    intent.silencing = .muted(silence)
                    intent.notBefore = nil
                }
                decision.intents.append(intent)
                for record in records where record.isHeld && record.channel == channel {
                    decision.withdrawn.append(Intent.id(clockKey: series, step: record.step, channel: channel))
                }
            }
        }
        return decision
    }
}
