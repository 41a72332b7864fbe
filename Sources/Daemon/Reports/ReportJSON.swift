import Foundation
import SLAEngine
import SLAReport
import Transport

/// The `report --format json` contract (DESIGN.md, "People see"):
/// `{"since", "until", "by", "rows": [{"group", "measured", "achieved", "breached",
/// "achieved_pct", "p50_seconds", "p90_seconds", "overshoot_avg_seconds"}], "total",
/// "credits": [{"customer", "tier", "measured", "achieved_pct", "credit_pct"}]}`.
enum ReportJSON {
    static func render(_ report: ComplianceReport) -> String {
        var writer = JSONWriter(pretty: true)
        writer.beginObject()
        writer.key("since"); writer.string(ReportText.time(report.query.since))
        writer.key("until"); writer.string(ReportText.time(report.query.until))
        writer.key("by")
        writer.beginArray()
        for dimension in report.query.by { writer.string(dimension.rawValue) }
        writer.endArray()
        writer.key("rows")
        writer.beginArray()
        for row in report.rows {
            writer.beginObject()
            writer.key("group")
            writer.beginObject()
            for dimension in report.query.by {
                writer.key(dimension.rawValue)
                if let value = row.group[dimension] ?? nil { writer.string(value) } else { writer.null() }
            }
            writer.endObject()
            write(row.stats, to: &writer)
            writer.endObject()
        }
        writer.endArray()
        writer.key("total")
        writer.beginObject()
        write(report.total, to: &writer)
        writer.endObject()
        writer.key("credits")
        writer.beginArray()
        for line in report.credits {
            writer.beginObject()
            writer.key("customer"); writer.string(line.customer)
            writer.key("tier"); writer.string(line.tier)
            writer.key("measured"); writer.int(line.measured)
            writer.key("achieved_pct"); writer.double(line.achievedPercent)
            writer.key("credit_pct"); writer.double(line.creditPercent)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return String(decoding: writer.take(), as: UTF8.self) + "\n"
    }

    /// The figures' keys, inside an object already begun.
    static func write(_ stats: ComplianceStats, to writer: inout JSONWriter) {
        func number(_ value: Int?) { if let value { writer.int(value) } else { writer.null() } }
        func number(_ value: Double?) { if let value { writer.double(value) } else { writer.null() } }
        writer.key("measured"); writer.int(stats.measured)
        writer.key("achieved"); writer.int(stats.achieved)
        writer.key("breached"); writer.int(stats.breached)
        writer.key("achieved_pct"); number(stats.achievedPercent)
        writer.key("p50_seconds"); number(stats.p50Seconds)
        writer.key("p90_seconds"); number(stats.p90Seconds)
        writer.key("overshoot_avg_seconds"); number(stats.overshootAverageSeconds)
    }
}
