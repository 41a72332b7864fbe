import Foundation

/// The MIME encodings mail needs: quoted-printable bodies (RFC 2045), encoded-word headers
/// (RFC 2047), and header text with no way to start a new header line.
enum MIMEText {
    /// `text` with every control character (CR and LF included) turned into a space, so a
    /// header value can never end its line and start another header.
    static func headerSafe(_ text: String) -> String {
        // Printable ASCII, as message keys are, has nothing to change: it is sent as it is,
        // without a scalar-by-scalar copy per header of every message.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            (scalar.value < 0x20 || scalar.value == 0x7f || (0x80...0x9f).contains(scalar.value)
                || scalar == "\u{2028}" || scalar == "\u{2029}") ? " " : scalar
        }))
    }

    /// Base64 encoded-words (`=?UTF-8?B?…?=`), each a whole number of characters, to be
    /// joined with folding white space (`CRLF SP`). The first word carries at most 39 bytes
    /// (64 characters, leaving room for `Subject: ` on its line), later ones 45 (72
    /// characters), so no line passes 78.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = 39
        func flush() {
            words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
            chunk = []
            limit = 45
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count <= 39 {
                if !chunk.isEmpty, chunk.count + bytes.count > limit { flush() }
                chunk += bytes
                continue
            }
            // One enormous grapheme cluster: split it by scalar instead.
            for scalar in String(character).unicodeScalars {
                let scalarBytes = Array(String(scalar).utf8)
                if !chunk.isEmpty, chunk.count + scalarBytes.count > limit { flush() }
                chunk += scalarBytes
            }
        }
        if !chunk.isEmpty || words.isEmpty { flush() }
        return words
    }

    /// A header line `Name: value`, the value sanitised and, when it is not short plain
    /// ASCII, RFC 2047 encoded and folded so no line passes 78 characters.
    static func unstructuredHeader(_ name: String, _ value: String) -> String {
        let safe = headerSafe(value)
        let plain = safe.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7f } && !safe.contains("=?")
        if plain, name.utf8.count + 2 + safe.utf8.count <= 78 {
            return "\(name): \(safe)"
        }
        return "\(name): " + encodedWords(safe).joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045 §6.7) of UTF-8 text: lines end in CRLF whatever the input
    /// used, no encoded line is longer than 76 characters, and `=` never appears unencoded,
    /// which is what makes a `=_` multipart boundary safe.
    static func quotedPrintable(_ text: String) -> String {
        let normalized = text.replacingEach(of: "\r\n", with: "\n").replacingEach(of: "\r", with: "\n")
        var output = ""
        output.reserveCapacity(normalized.utf8.count + normalized.utf8.count / 8)
        let lines = normalized.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if index > 0 { output += "\r\n" }
            let bytes = Array(line.utf8)
            var lineLength = 0
            for (position, byte) in bytes.enumerated() {
                let isLast = position == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                    || ((byte == 0x20 || byte == 0x09) && !isLast)
                let token = literal ? String(UnicodeScalar(byte)) : "=" + MIMEText.hexByte(byte, uppercase: true)
                // Keep room for the soft break `=` unless this token ends the line.
                let limit = isLast ? 76 : 75
                if lineLength + token.count > limit {
                    output += "=\r\n"
                    lineLength = 0
                }
                output += token
                lineLength += token.count
            }
        }
        return output
    }

    /// Two hex digits for `byte`.
    static func hexByte(_ byte: UInt8, uppercase: Bool = false) -> String {
        let digits: [Character] = Array(uppercase ? "0123456789ABCDEF" : "0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }

    static func htmlEscaped(_ text: String) -> String { HTML.escaped(text) }
}
