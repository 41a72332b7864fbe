import Foundation
import SLAEngine

extension MessageTicket {
    /// What the line is about: the metric (`first response`), or the risk (`risk: follow-ups`).
    var topic: String {
        metric?.words ?? "risk: \(risk?.words ?? "")"
    }

    /// `first response · cycle 2 · 75% · due 2026-11-20 17:05 UTC`, or `risk: follow-ups ·
    /// occurrence 2`: plain text, unescaped.
    var detailLine: String {
        var parts = [topic]
        if risk != nil {
            if cycle > 1 { parts.append("occurrence \(cycle)") }
            return parts.joined(separator: " · ")
        }
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
