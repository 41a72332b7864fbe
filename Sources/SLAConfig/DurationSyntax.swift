import Foundation

/// Durations as the configuration writes them: numbers with units, largest first, each
/// unit once: `90s`, `30m`, `1h`, `1h30m`, `2d` (a day is 24 hours, not a business day).
enum DurationSyntax {
    /// Why a text is not a duration.
    enum Problem: Error {
        case noUnit, negative, malformed

        /// What is wrong with `text` and how to write it.
        func message(for text: String) -> String {
            switch self {
            case .noUnit: "\"\(text)\" has no unit; write \(text)s, \(text)m, \(text)h or \(text)d"
            case .negative: "\"\(text)\" is negative; write a positive duration such as \(text.dropFirst())"
            case .malformed: "\"\(text)\" is not a duration; write a number with a unit (s, m, h, d), such as 90s, 30m, 1h30m or 2d"
            }
        }
    }

    static let units: [(symbol: Character, seconds: Int)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]

    /// The duration in seconds; zero is returned for the caller to judge.
    static func seconds(in text: String) -> Result<Int, Problem> {
        if text.hasPrefix("-") {
            if case .success = seconds(in: String(text.dropFirst())) { return .failure(.negative) }
            return .failure(.malformed)
        }
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) { return .failure(.noUnit) }
        var total = 0
        var nextUnit = 0
        var digits = ""
        for character in text {
            if character.isASCII && character.isNumber {
                digits.append(character)
                continue
            }
            // A unit must follow digits, come after any larger unit, and appear once.
            guard !digits.isEmpty, digits.count <= 9, let value = Int(digits),
                  let index = units[nextUnit...].firstIndex(where: { $0.symbol == character })
            else { return .failure(.malformed) }
            total += value * units[index].seconds
            nextUnit = index + 1
            digits = ""
        }
        guard digits.isEmpty, nextUnit > 0 else { return .failure(.malformed) }
        return .success(total)
    }
}

/// Durations given outside the configuration file (a form's `for`, `--for`), read as the
/// configuration reads them.
public enum WrittenDuration {
    /// Seconds in `text` (`30m`, `4h`, `1h30m`); nil for anything else, zero included.
    public static func seconds(_ text: String) -> Int? {
        guard case .success(let seconds) = DurationSyntax.seconds(in: text.trimmingCharacters(in: .whitespaces)), seconds > 0
        else { return nil }
        return seconds
    }
}
