import Foundation
import SLAReport

/// `report --format csv`: RFC 4180, one header for every report, whatever its grouping:
///
/// `section,priority,group,channel,tier,metric,customer,team,week,measured,achieved,breached,`
/// `achieved_pct,p50_seconds,p90_seconds,overshoot_avg_seconds,credit_pct`
///
/// `section` is `row` (a grouping key's column is filled when the report is grouped by
/// it, empty where the ticket has no value; ungrouped, one row equal to the total), `total` (one line), or `credit` (one per
/// customer: `customer`, `tier`, `measured`, `achieved_pct`, `credit_pct`). Empty cells
/// stand for no value.
enum ReportCSV {
    static let statColumns = [
        "measured", "achieved", "breached", "achieved_pct", "p50_seconds", "p90_seconds", "overshoot_avg_seconds", "credit_pct",
    ]
    static var header: [String] { ["section"] + ReportDimension.allCases.map(\.rawValue) + statColumns }

    static func render(_ report: ComplianceReport) -> String {
        var lines = [header.map(field).joined(separator: ",")]
        func stats(_ s: ComplianceStats) -> [String] {
            [String(s.measured), String(s.achieved), String(s.breached), number(s.achievedPercent),
             s.p50Seconds.map(String.init) ?? "", s.p90Seconds.map(String.init) ?? "", number(s.overshootAverageSeconds), ""]
        }
        // Ungrouped, the one row equal to the total, as in JSON: a reader of `row` lines gets it.
        for row in report.rows {
            let keys = ReportDimension.allCases.map { (row.group[$0] ?? nil) ?? "" }
            lines.append((["row"] + keys + stats(row.stats)).map(field).joined(separator: ","))
        }
        lines.append((["total"] + ReportDimension.allCases.map { _ in "" } + stats(report.total)).map(field).joined(separator: ","))
        for credit in report.credits {
            let keys = ReportDimension.allCases.map { d in d == .customer ? credit.customer : d == .tier ? credit.tier : "" }
            let values = [String(credit.measured), "", "", number(credit.achievedPercent), "", "", "", number(credit.creditPercent)]
            lines.append((["credit"] + keys + values).map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "" }
        return value == value.rounded() && abs(value) < 1e15 ? String(format: "%.1f", value) : String(value)
    }

    /// Quoted when it holds a comma, a quote or a line break; a leading `=`, `+`, `-` or `@`
    /// is prefixed with `'` so a spreadsheet never runs a ticket's value as a formula.
    static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first), Double(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
