/// Durations in the words people read in reports and messages.
public enum DurationText {
    /// Compact form: `4h`, `1h30m`, `45m`, `2d3h`, `30s`, `0m`; a leading `-` when negative.
    public static func compact(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : ""
        var rest = abs(seconds)
        if rest == 0 { return "0m" }
        var parts = ""
        let days = rest / 86_400
        rest %= 86_400
        if days > 0 { parts += "\(days)d" }
        if rest / 3600 > 0 { parts += "\(rest / 3600)h" }
        if rest % 3600 / 60 > 0 { parts += "\(rest % 3600 / 60)m" }
        if rest % 60 > 0 && days == 0 && rest < 3600 { parts += "\(rest % 60)s" }
        return sign + (parts.isEmpty ? "\(rest % 60)s" : parts)
    }

    /// Words: `4 business hours`, `1 business hour 30 minutes`, `45 minutes`, `20 seconds`
    /// (seconds only under a minute; longer durations are cut to the minute); `business`
    /// only when the calendar is not around the clock.
    public static func words(_ seconds: Int, business: Bool) -> String {
        let h = abs(seconds) / 3600, m = abs(seconds) % 3600 / 60, s = abs(seconds) % 60
        let kind = business ? "business " : ""
        var parts: [String] = []
        if h > 0 { parts.append("\(h) \(kind)hour\(h == 1 ? "" : "s")") }
        if m > 0 { parts.append("\(m) \(parts.isEmpty ? kind : "")minute\(m == 1 ? "" : "s")") }
        // Seconds only matter for durations under a minute.
        if s > 0 && h == 0 && m == 0 { parts.append("\(s) \(kind)second\(s == 1 ? "" : "s")") }
        if parts.isEmpty { parts.append("0 \(kind)minutes") }
        return parts.joined(separator: " ")
    }
}
