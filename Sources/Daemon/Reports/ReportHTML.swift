import Delivery
import Foundation
import SLAReport

/// `report --format html`: one self-contained page (inline CSS and SVG, no script, no
/// external asset) that reads well on screen and printed: the figures per row, the
/// total, service credits, and two charts (achieved % by week, breaches by priority).
enum ReportHTML {
    static func render(_ report: ComplianceReport) -> String {
        let by = report.query.by
        let title = "SLA compliance \(day(report.query.since)) to \(day(report.query.until))"
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>\(style)</style>
            </head><body>
            <h1>\(escape(title))</h1>
            <p class="meta">From \(escape(ReportText.time(report.query.since))) until \(escape(ReportText.time(report.query.until))); \
            open clocks judged at \(escape(ReportText.time(report.query.at))). Durations are business time.</p>
            <section class="summary">
            \(tile("Measured", String(report.total.measured)))\(tile("Met", String(report.total.achieved)))\
            \(tile("Breached", String(report.total.breached)))\(tile("Achieved", ReportText.percent(report.total.achievedPercent)))\
            \(tile("P90 to fulfil", ReportText.duration(report.total.p90Seconds)))
            </section>
            <section class="charts">
            \(ReportCharts.achievedByWeek(report.weeks))
            \(ReportCharts.breachesByPriority(report.priorities))
            </section>

            """
        let header = by.map { $0.rawValue.capitalized } + ["Measured", "Met", "Breached", "Achieved", "P50", "P90", "Overshoot avg"]
        html += "<table id=\"rows\"><thead><tr>" + header.enumerated().map { i, h in
            "<th\(i >= by.count ? " class=\"n\"" : "")>\(escape(h))</th>"
        }.joined() + "</tr></thead><tbody>\n"
        if !by.isEmpty {
            for row in report.rows {
                html += "<tr class=\"row\">" + ReportText.group(row, by).map { "<td>\(escape($0))</td>" }.joined()
                    + figures(row.stats) + "</tr>\n"
            }
        }
        html += "</tbody><tfoot><tr class=\"total\">"
            + (by.isEmpty ? "" : "<th colspan=\"\(by.count)\">Total</th>") + figures(report.total) + "</tr></tfoot></table>\n"
        if !report.credits.isEmpty {
            html += "<h2>Service credits</h2>\n<table id=\"credits\"><thead><tr><th>Customer</th><th>Tier</th>"
                + "<th class=\"n\">Measured</th><th class=\"n\">Achieved</th><th class=\"n\">Credit</th></tr></thead><tbody>\n"
            for line in report.credits {
                html += "<tr class=\"credit\(line.creditPercent > 0 ? " owed" : "")\"><td>\(escape(line.customer))</td>"
                    + "<td>\(escape(line.tier))</td><td class=\"n\">\(line.measured)</td>"
                    + "<td class=\"n\">\(ReportText.percent(line.achievedPercent))</td>"
                    + "<td class=\"n\">\(ReportText.percent(line.creditPercent))</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        html += "<p class=\"meta\">A clock counts when it was fulfilled in the period, or is open and its due time passed in it. "
            + "P50 and P90: business time from start to fulfilment; overshoot: business time past the due time of missed clocks.</p>\n"
        html += "</body></html>\n"
        return html
    }

    static func figures(_ s: ComplianceStats) -> String {
        [String(s.measured), String(s.achieved), String(s.breached), ReportText.percent(s.achievedPercent),
         ReportText.duration(s.p50Seconds), ReportText.duration(s.p90Seconds), ReportText.duration(s.overshootAverageSeconds)]
            .map { "<td class=\"n\">\(escape($0))</td>" }.joined()
    }

    static func tile(_ label: String, _ value: String) -> String {
        "<div class=\"tile\"><div class=\"v\">\(escape(value))</div><div class=\"l\">\(escape(label))</div></div>"
    }

    static func day(_ date: Date) -> String { String(ReportText.time(date).prefix(10)) }

    static func escape(_ text: String) -> String { HTML.escaped(text) }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:60rem;color:#1d2430;padding:0 1rem}
        h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin-top:2rem}
        .meta{color:#5b6473;font-size:.85rem}
        .summary{display:flex;gap:.75rem;flex-wrap:wrap;margin:1rem 0}
        .tile{border:1px solid #d5dae1;border-radius:6px;padding:.5rem .9rem;min-width:7rem}
        .tile .v{font-size:1.4rem;font-weight:600}.tile .l{font-size:.8rem;color:#5b6473}
        .charts{display:flex;gap:1.5rem;flex-wrap:wrap}
        figure{margin:0}figcaption{font-size:.85rem;font-weight:600;margin-bottom:.25rem}
        svg text{font-size:11px;fill:#1d2430}
        table{border-collapse:collapse;width:100%;margin-top:1rem;font-size:.9rem}
        th,td{border-bottom:1px solid #e3e7ec;padding:.3rem .5rem;text-align:left}
        th{background:#f3f5f8}.n{text-align:right;font-variant-numeric:tabular-nums}
        tfoot th,tfoot td{font-weight:600;border-top:2px solid #9aa3af}
        tr.owed td{background:#fff4e5}
        @media print{body{margin:0;max-width:none}.tile,figure,tr{break-inside:avoid}th{background:none}a{color:inherit}}
        """
}
