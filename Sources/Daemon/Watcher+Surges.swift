import Foundation
import SLAEngine
import StateStore

extension Watcher {
    /// The surge rules against the last poll's tickets: this hour's samples, and the
    /// surges that start or end now with the messages that say so, for the tick's commit.
    ///
    /// A surge's start goes to each rule's `notify`, roles resolved through the teams of
    /// the value's open tickets (a surge in Billing reaches the Billing team's manager);
    /// its end goes to the same channels, kept with the surge in the store.
    func surges(at now: Date) throws(StateStoreError) -> (commit: SurgeCommit, messages: [OutboundMessage]) {
        var commit = SurgeCommit()
        var messages: [OutboundMessage] = []
        let rules = configuration.surges
        guard !rules.isEmpty else { return (commit, messages) }
        let hour = SurgeDetector.hour(of: now)
        let state = try store.surgeState(sinceHour: hour - 8 * 24)
        let all = tickets.batches.keys.sorted().flatMap { tickets.batches[$0]! }
        for rule in rules {
            let open = SurgeDetector.count(all, by: rule.by, at: now)
            commit.samples.append((rule.by, SurgeSample(hour: hour, open: open)))
            let active = state.active.filter { $0.by == rule.by }
            let changes = SurgeDetector.changes(rule: rule, open: open, history: state.history[rule.by] ?? [], active: active, at: now)
            for change in changes {
                switch change.kind {
                case .started:
                    let recipients = surgeRecipients(rule, value: change.value, in: all)
                    let surge = ActiveSurge(by: rule.by, value: change.value, since: now, channels: recipients.map(\.channel))
                    commit.started.append(surge)
                    messages += recipients.map { role, channel in
                        SurgeNotice.message(change, surge: surge, rule: rule, channel: channel, role: role, at: now, templates: composer.templates)
                    }
                    logger.warning("surge started", metadata: [
                        "by": "\(rule.by.rawValue)", "value": "\(change.value)", "open": "\(change.open)", "median": "\(change.median)",
                        "channels": "\(recipients.map(\.channel).joined(separator: ","))",
                    ])
                case .ended:
                    guard let surge = active.first(where: { $0.value == change.value }) else { continue }
                    commit.ended.append(surge)
                    messages += surge.channels.map { channel in
                        SurgeNotice.message(change, surge: surge, rule: rule, channel: channel, role: nil, at: now, templates: composer.templates)
                    }
                    logger.info("surge ended", metadata: ["by": "\(rule.by.rawValue)", "value": "\(change.value)", "open": "\(change.open)"])
                }
            }
        }
        return (commit, messages)
    }

    /// Channels for a surge of `value`: the rule's roles in every team of its open tickets,
    /// and the channels it names, each once.
    private func surgeRecipients(_ rule: SurgeRule, value: String, in tickets: [Ticket]) -> [(role: Role?, channel: String)] {
        var teams: [Team] = []
        for ticket in tickets where !ticket.status.isSolved && rule.by.value(of: ticket) == value {
            if let team = escalator.team(for: ticket), !teams.contains(where: { $0.name == team.name }) { teams.append(team) }
        }
        var result: [(role: Role?, channel: String)] = []
        for team in teams.isEmpty ? [nil] : teams.map(Optional.some) {
            for recipient in escalator.resolve(rule.notify, team: team) where !result.contains(where: { $0.channel == recipient.channel }) {
                result.append(recipient)
            }
        }
        return result
    }
}
