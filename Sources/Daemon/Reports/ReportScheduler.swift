import Foundation
import SLAConfig
import SLAEngine
import SLAReport
import StateStore

/// Scheduled reports (`reports:`): at each tick, the report of every schedule whose
/// latest period is due and not yet in the outbox, as one message per channel.
///
/// A message's key is `report/NAME/PERIOD@CHANNEL`; the outbox keeps every key it ever
/// held, so a period is reported once across restarts. A daemon that was down over
/// several periods sends the latest one only. Email and webhook channels get the HTML
/// report; chat channels a summary.
struct ReportScheduler {
    let configuration: Configuration

    /// The messages due at `now`; `done` remembers the periods already in the outbox, so
    /// the store is asked once per period.
    func messages(at now: Date, log: any ClockOutcomeLog, done: inout Set<String>) async throws(StateStoreError) -> [OutboundMessage] {
        var messages: [OutboundMessage] = []
        for schedule in configuration.reports {
            let period = schedule.latestPeriod(atOrBefore: now)
            let id = "report/\(schedule.name)/\(period.label)"
            guard !done.contains(id) else { continue }
            let keys = schedule.to.map { "\(id)@\($0)" }
            let held = try await log.outboxHolds(keys)
            let missing = schedule.to.filter { !held.contains("\(id)@\($0)") }
            if !missing.isEmpty {
                let query = ReportQuery(since: period.since, until: period.until, at: now, by: schedule.by, zone: schedule.zone)
                let report = ComplianceReport(
                    outcomes: try await log.clockOutcomes(countingFrom: period.since, until: period.until), query: query,
                    credits: configuration.credits)
                let subject = ReportScheduler.subject(report, label: period.label)
                let text = ReportScheduler.summary(report, label: period.label, zone: schedule.zone)
                for channel in missing {
                    let type = configuration.channels[channel]?.type
                    messages.append(OutboundMessage(
                        key: "\(id)@\(channel)", channel: channel, audience: .team, subject: subject, text: text,
                        html: type == .email || type == .webhook ? ReportFormat.html.render(report) : nil, createdAt: now))
                }
            }
            done.insert(id)
        }
        return messages
    }

    /// The first instant after `now` a scheduled report is due; nil without `reports:`.
    func nextDue(after now: Date) -> Date? {
        configuration.reports.map { $0.nextDue(after: now) }.min()
    }

    static func subject(_ report: ComplianceReport, label: String) -> String {
        "SLA compliance \(label): \(ReportText.percent(report.total.achievedPercent)) achieved, \(report.total.breached) breached"
    }

    /// A few lines for chat: the total, each row, and the credits owed.
    static func summary(_ report: ComplianceReport, label: String, zone: ReportZone) -> String {
        let since = zone.local(report.query.since).date, until = zone.local(report.query.until).date
        let total = report.total
        var lines = [
            "SLA compliance for \(label) (\(since) to \(until), \(zone.timeZone.identifier))",
            "Achieved \(ReportText.percent(total.achievedPercent)): \(total.achieved) of \(total.measured) met, \(total.breached) breached; "
                + "to fulfil p50 \(ReportText.duration(total.p50Seconds)), p90 \(ReportText.duration(total.p90Seconds)) (business time)",
        ]
        if !report.query.by.isEmpty {
            lines.append("By \(report.query.by.map(\.rawValue).joined(separator: ", ")):")
            for row in report.rows.prefix(20) {
                lines.append("- \(ReportText.group(row, report.query.by).joined(separator: " / ")): "
                    + "\(ReportText.percent(row.stats.achievedPercent)) of \(row.stats.measured), \(row.stats.breached) breached")
            }
            if report.rows.count > 20 { lines.append("- … and \(report.rows.count - 20) more") }
        }
        let owed = report.credits.filter { $0.creditPercent > 0 }
        if !owed.isEmpty {
            lines.append("Service credits: " + owed.map { "\($0.customer) \(ReportText.percent($0.creditPercent))" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
