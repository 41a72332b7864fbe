import Foundation
import SLAEngine
import Transport

/// Escaping of untrusted text (ticket subjects, message text) for each chat format, and
/// trimming to the formats' limits. Everything a ticket says goes through one of these.
enum ChatText {
    /// Slack mrkdwn: `&`, `<` and `>` as entities, which is all Slack needs to never read
    /// `<!channel>`, `<@U…>` or `<url|text>` in the text.
    static func slack(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// Google Chat card text (a small HTML subset): `&`, `<` and `>` as entities.
    static func html(_ text: String) -> String {
        slack(text)
    }

    /// Markdown as Discord and Mattermost read it: every inline marker backslash-escaped,
    /// block markers at line starts too, and a zero-width joiner after each `@` so no
    /// `@here`, `@channel`, `@all`, `@everyone` or `@user` can mention anyone.
    static func markdown(_ text: String) -> String {
        let inline: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "~", "|", "[", "]", "(", ")", "<", ">", "#", "!"]
        let lineStart: Set<Unicode.Scalar> = ["-", "+", "=", ".", ":"]
        var output = ""
        output.reserveCapacity(text.utf8.count + 16)
        var atLineStart = true
        for scalar in text.unicodeScalars {
            if inline.contains(scalar) || (atLineStart && lineStart.contains(scalar)) {
                output += "\\"
            }
            output.unicodeScalars.append(scalar)
            if scalar == "@" || scalar == "＠" { output += "\u{200D}" }
            if scalar == "\n" {
                atLineStart = true
            } else if scalar != " " && scalar != "\t" {
                atLineStart = false
            }
        }
        return output
    }

    /// The lines of `text`, split at `\r\n`, `\r` or `\n` (as scalars: `"\r\n"` is one `Character`).
    static func lines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n", previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        lines.append(String(current))
        return lines
    }

    /// The length the chat services count: UTF-16 code units, never fewer than characters.
    static func length(_ text: String) -> Int { text.utf16.count }

    /// `raw` escaped by `escape`, shortened with `…` so the escaped text is at most `limit`
    /// long. Cuts whole characters of the raw text, so no escape sequence is ever split.
    static func fit(_ raw: String, limit: Int, escape: (String) -> String) -> String {
        let whole = escape(raw)
        if length(whole) <= limit { return whole }
        guard limit > 1 else { return "" }
        let characters = Array(raw)
        var low = 0
        var high = characters.count
        var best = "…"
        while low <= high {
            let middle = (low + high) / 2
            let candidate = escape(String(characters[..<middle])) + "…"
            if length(candidate) <= limit {
                best = candidate
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        return best
    }

    /// A ticket URL fit to be a link target: http or https only (`WebLink`), with the characters that
    /// could end a Slack or Markdown link (`|`, `<`, `>`, `(`, `)`, `[`, `]`, spaces, quotes)
    /// percent-encoded. Nil for anything else, which is then shown as text, not linked.
    static func linkTarget(_ url: String?) -> String? {
        guard let url = WebLink.validated(url) else { return nil }
        var output = ""
        for byte in url.utf8 {
            switch byte {
            case UInt8(ascii: "|"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"),
                UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"),
                UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "^"), UInt8(ascii: "*"),
                UInt8(ascii: "_"), UInt8(ascii: "~"), 0...0x20, 0x7f...0xff:
                output += "%" + MIMEText.hexByte(byte, uppercase: true)
            default:
                output.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return output
    }
}
