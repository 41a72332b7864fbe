import Foundation
import SLAEngine
import SLAReport

/// The report's two charts as inline SVG: no script, no external asset, printable.
enum ReportCharts {
    /// Vertical bars, one per ISO week, 0–100%.
    static func achievedByWeek(_ weeks: [(week: String, stats: ComplianceStats)]) -> String {
        let width = 420, height = 200, left = 34, bottom = 28, top = 14
        let plotHeight = height - bottom - top
        let slot = weeks.isEmpty ? 0 : (width - left - 8) / weeks.count
        var svg = "<figure id=\"chart-weeks\"><figcaption>Achieved % by week</figcaption>"
            + "<svg role=\"img\" aria-label=\"Achieved percent by week\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        for percent in [0, 50, 100] {
            let y = top + plotHeight - plotHeight * percent / 100
            svg += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width - 4)\" y2=\"\(y)\" stroke=\"#d5dae1\"/>"
            svg += "<text x=\"\(left - 4)\" y=\"\(y + 4)\" text-anchor=\"end\">\(percent)%</text>"
        }
        for (index, week) in weeks.enumerated() {
            let value = week.stats.achievedPercent ?? 0
            let barHeight = Int((Double(plotHeight) * value / 100).rounded())
            let x = left + index * slot + max(2, slot / 6)
            let barWidth = max(4, slot - 2 * max(2, slot / 6))
            let colour = value >= 95 ? "#2e7d32" : value >= 80 ? "#f9a825" : "#c62828"
            svg += "<rect class=\"bar\" x=\"\(x)\" y=\"\(top + plotHeight - barHeight)\" width=\"\(barWidth)\" height=\"\(barHeight)\" fill=\"\(colour)\">"
                + "<title>\(ReportHTML.escape(week.week)): \(ReportText.percent(week.stats.achievedPercent))</title></rect>"
            svg += "<text x=\"\(x + barWidth / 2)\" y=\"\(height - bottom + 14)\" text-anchor=\"middle\">\(ReportHTML.escape(String(week.week.suffix(3))))</text>"
            svg += "<text x=\"\(x + barWidth / 2)\" y=\"\(max(top + 10, top + plotHeight - barHeight - 3))\" text-anchor=\"middle\">\(Int(value.rounded()))</text>"
        }
        if weeks.isEmpty { svg += "<text x=\"\(width / 2)\" y=\"\(height / 2)\" text-anchor=\"middle\">no clocks in the period</text>" }
        return svg + "</svg></figure>"
    }

    /// Horizontal bars, one per priority, of breached clocks (missed and open past due).
    static func breachesByPriority(_ priorities: [(priority: TicketPriority, stats: ComplianceStats)]) -> String {
        let width = 320, rowHeight = 26, left = 64
        let height = max(60, 16 + TicketPriority.allCases.count * rowHeight)
        let largest = max(1, priorities.map(\.stats.breached).max() ?? 0)
        var svg = "<figure id=\"chart-priorities\"><figcaption>Breaches by priority</figcaption>"
            + "<svg role=\"img\" aria-label=\"Breaches by priority\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        for (index, priority) in TicketPriority.allCases.enumerated() {
            let breached = priorities.first { $0.priority == priority }?.stats.breached ?? 0
            let y = 8 + index * rowHeight
            let barWidth = (width - left - 40) * breached / largest
            svg += "<text x=\"\(left - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(priority.rawValue)</text>"
            svg += "<rect class=\"bar\" x=\"\(left)\" y=\"\(y + 3)\" width=\"\(barWidth)\" height=\"\(rowHeight - 8)\" fill=\"#c62828\"/>"
            svg += "<text x=\"\(left + barWidth + 4)\" y=\"\(y + 15)\">\(breached)</text>"
        }
        return svg + "</svg></figure>"
    }
}
