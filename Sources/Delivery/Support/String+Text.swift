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
}
