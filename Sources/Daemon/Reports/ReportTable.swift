import Foundation
import SLAReport

/// `report --format table`: aligned columns for people; durations are business time.
enum ReportTable {
    static func render(_ report: ComplianceReport) -> String {
        let by = report.query.by
        let header = by.map(ReportText.header) + ["MEASURED", "MET", "BREACHED", "ACHIEVED", "P50", "P90", "OVERSHOOT AVG"]
        func cells(_ s: ComplianceStats) -> [String] {
            [String(s.measured), String(s.achieved), String(s.breached), ReportText.percent(s.achievedPercent),
             ReportText.duration(s.p50Seconds), ReportText.duration(s.p90Seconds), ReportText.duration(s.overshootAverageSeconds)]
        }
        var rows = by.isEmpty ? [] : report.rows.map { ReportText.group($0, by) + cells($0.stats) }
        rows.append((by.isEmpty ? [] : ["TOTAL"] + Array(repeating: "", count: by.count - 1)) + cells(report.total))
        var out = [
            "Compliance from \(ReportText.time(report.query.since)) until \(ReportText.time(report.query.until)), "
                + "open clocks judged at \(ReportText.time(report.query.at))",
        ]
        out += align([header] + rows, numericFrom: by.count)
        if !report.credits.isEmpty {
            out.append("")
            out.append("Service credits")
            out += align([["CUSTOMER", "TIER", "MEASURED", "ACHIEVED", "CREDIT"]] + report.credits.map { line in
                [line.customer, line.tier, String(line.measured), ReportText.percent(line.achievedPercent),
                 ReportText.percent(line.creditPercent)]
            }, numericFrom: 2)
        }
        out.append("")
        out.append("P50, P90 and OVERSHOOT are business time (each clock's calendar), start to fulfilment and past the due time.")
        return out.joined(separator: "\n") + "\n"
    }

    /// Left-aligned text columns, right-aligned figures from column `numericFrom` on. A
    /// control character in a cell (a group named with a newline) is shown escaped, so each
    /// row stays one line.
    static func align(_ table: [[String]], numericFrom: Int) -> [String] {
        let table = table.map { $0.map(ReportText.oneLine) }
        let widths = table[0].indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { cells in
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i >= numericFrom ? pad + cell : (i + 1 == cells.count ? cell : cell + pad)
            }.joined(separator: "  ")
        }
    }
}
