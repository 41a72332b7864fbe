import Foundation

extension String {
    /// The text without leading and trailing white space (Unicode's definition).
    func trimmingCharactersOfWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    /// Every occurrence of `target` replaced; the text itself when there is none.
    func replacingEach(of target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }

    /// True when the text holds CR, LF or NUL: bytes that would end a header or an SMTP command.
    /// (Checked on bytes: `"\r\n"` is a single `Character`, which `== "\r"` does not match.)
    var containsLineBreakOrNUL: Bool {
        utf8.contains { $0 == 0x0d || $0 == 0x0a || $0 == 0 }
    }
}
