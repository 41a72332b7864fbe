public import SLAReport
import SLAEngine
import Foundation

/// How a compliance report is written: `table` for people, `json` per the contract,
/// `csv` with one fixed header, `html` as one self-contained page.
public enum ReportFormat: String, Sendable, CaseIterable {
    case table, json, csv, html

    /// The report in this format.
    public func render(_ report: ComplianceReport) -> String {
        switch self {
        case .table: ReportTable.render(report)
        case .json: ReportJSON.render(report)
        case .csv: ReportCSV.render(report)
        case .html: ReportHTML.render(report)
        }
    }
}

/// Cell text shared by the formats meant for people.
enum ReportText {
    static func time(_ date: Date) -> String { Timestamp(date).description }

    static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.1f%%", $0) } ?? "-"
    }

    static func duration(_ seconds: Int?) -> String {
        seconds.map(DurationText.compact) ?? "-"
    }

    static func duration(_ seconds: Double?) -> String {
        seconds.map { DurationText.compact(Int($0.rounded())) } ?? "-"
    }

    /// The row's grouping values in `by` order, `-` where the ticket had none.
    static func group(_ row: ComplianceReport.Row, _ by: [ReportDimension]) -> [String] {
        by.map { (row.group[$0] ?? nil) ?? "-" }
    }

    static func header(_ dimension: ReportDimension) -> String { dimension.rawValue.uppercased() }

    /// `text` with its control characters escaped (`\n`, `\t`, `\r`, `\u{1B}`).
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var shown = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": shown += "\\n"
            case "\t": shown += "\\t"
            case "\r": shown += "\\r"
            case _ where scalar.properties.generalCategory == .control:
                shown += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }
}
