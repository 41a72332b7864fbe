import Foundation
import SLAEngine

extension MessageTicket {
    /// `first response · cycle 2 · 75% · due 2026-11-20 17:05 UTC`: plain text, unescaped.
    var detailLine: String {
        var parts = [metric.words]
        if cycle > 1 { parts.append("cycle \(cycle)") }
        parts.append(step)
        if let dueAt { parts.append("due \(MessageTicket.dueText(dueAt))") }
        return parts.joined(separator: " · ")
    }

    static func dueText(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.year!)-\(two(parts.month!))-\(two(parts.day!)) \(two(parts.hour!)):\(two(parts.minute!)) UTC"
    }
}
