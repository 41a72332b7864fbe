/// Text put into HTML: the one escaping every HTML form slawatch writes shares (mail, the
/// listener's pages, reports).
public enum HTML {
    /// `&`, `<`, `>`, `"` and `'` as HTML entities.
    public static func escaped(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
