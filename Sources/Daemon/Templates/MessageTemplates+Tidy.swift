import Foundation

/// How a rendered subject and text form are cleaned up, in UTF-8: the same result as the
/// definitions by character (`subjectLineByCharacter`, `tidyByCharacter`) at a fraction of
/// the cost, which a large tick pays once per message.
extension MessageTemplates {
    /// Subjects are one line: each run of line breaks becomes a space, and spaces and
    /// tabs (any Unicode space) are trimmed from both ends.
    static func subjectLine(_ rendered: String) -> String {
        subjectLine(utf8: Array(rendered.utf8))
    }

    /// The same, of what a template rendered, as UTF-8.
    static func subjectLine(utf8 bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pendingBreak = false
        var ascii = true
        var index = 0
        while index < bytes.count {
            // Line breaks are LF, VT, FF, CR, NEL (C2 85), LS and PS (E2 80 A8/A9); each is a
            // character of its own (or CRLF), so a run of them is one separator.
            let length = lineBreakLength(bytes, at: index)
            if length > 0 {
                pendingBreak = !out.isEmpty
                index += length
                continue
            }
            if pendingBreak {
                out.append(UInt8(ascii: " "))
                pendingBreak = false
            }
            ascii = ascii && bytes[index] < 0x80
            out.append(bytes[index])
            index += 1
        }
        var start = 0, end = out.count
        while start < end, out[start] == UInt8(ascii: " ") || out[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, out[end - 1] == UInt8(ascii: " ") || out[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        let line = String(decoding: out[start..<end], as: UTF8.self)
        // Another Unicode space at either end: Foundation's trimming decides, as it always did.
        if !ascii, let first = line.unicodeScalars.first, let last = line.unicodeScalars.last, first.value >= 0x80 || last.value >= 0x80 {
            return line.trimmingCharacters(in: .whitespaces)
        }
        return line
    }

    private static func lineBreakLength(_ bytes: [UInt8], at index: Int) -> Int {
        switch bytes[index] {
        case 0x0A...0x0D: return 1
        case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0x85: return 2
        case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9): return 3
        default: return 0
        }
    }

    /// Text forms: no trailing spaces, at most one blank line in a row, no blank ends.
    static func tidy(_ text: String) -> String {
        tidy(utf8: Array(text.utf8))
    }

    /// The same, of what a template rendered, as UTF-8.
    static func tidy(utf8 bytes: [UInt8]) -> String {
        var lines: [Range<Int>] = []
        var start = 0
        for index in 0...bytes.count {
            // A line ends at a LF that is not the second half of a CRLF (CRLF is one character).
            guard index == bytes.count || (bytes[index] == UInt8(ascii: "\n") && (index == 0 || bytes[index - 1] != UInt8(ascii: "\r"))) else {
                continue
            }
            var end = index
            while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
            // A space after a prepended mark belongs to that character: decided by character.
            if end < index, end > start, bytes[end - 1] >= 0x80 { return tidyByCharacter(String(decoding: bytes, as: UTF8.self)) }
            if end == start, lines.last?.isEmpty ?? true {
                start = index + 1
                continue
            }
            lines.append(start..<end)
            start = index + 1
        }
        if lines.last?.isEmpty == true { lines.removeLast() }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for (number, line) in lines.enumerated() {
            if number > 0 { out.append(UInt8(ascii: "\n")) }
            out.append(contentsOf: bytes[line])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The definition of `subjectLine`, by character.
    static func subjectLineByCharacter(_ rendered: String) -> String {
        rendered.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    /// The definition of `tidy`, by character.
    static func tidyByCharacter(_ text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let end = line.lastIndex { $0 != " " && $0 != "\t" }.map { line.index(after: $0) } ?? line.startIndex
            let clean = line[..<end]
            if clean.isEmpty, lines.last?.isEmpty ?? true { continue }
            lines.append(clean)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
