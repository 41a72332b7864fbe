/// Spelling rules of the Prometheus text exposition format 0.0.4.
enum PrometheusText {
    /// The `Content-Type` of a scrape response in this format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A label value inside its quotes: `\`, `"` and newline escaped.
    static func labelValue(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// `# HELP` text: `\` and newline escaped (quotes are not, in this format).
    static func help(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// A sample value: integers without a fraction, `NaN`, `+Inf`, `-Inf`, else Swift's
    /// shortest round-tripping spelling (which Go's `ParseFloat` reads).
    static func value(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// `{a="x",b="y"}`, or nothing without labels.
    static func labels(names: [String], values: [String]) -> String {
        guard !names.isEmpty else { return "" }
        let pairs = zip(names, values).map { "\($0)=\"\(labelValue($1))\"" }
        return "{" + pairs.joined(separator: ",") + "}"
    }
}
