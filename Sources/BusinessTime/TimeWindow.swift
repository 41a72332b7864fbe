/// An open window within a local day, as `HH:MM-HH:MM` wall-clock times.
///
/// `end` may be 24:00 (midnight at the end of the day). A window whose end is not after
/// its start runs overnight (`22:00-06:00`) and belongs to the day it starts on.
public struct TimeWindow: Sendable, Hashable, CustomStringConvertible {
    /// Minutes after local midnight, 0 ..< 1440.
    public let startMinute: Int
    /// Minutes after local midnight, 1 ... 1440; at or before `startMinute` for an overnight window.
    public let endMinute: Int

    /// Why a window's text was not accepted.
    public enum ParseError: Error, Sendable, Equatable {
        /// Not two times joined by `-`.
        case notAWindow
        /// This side is not a time `HH:MM` (00:00 to 23:59, or 24:00 as an end).
        case badTime(String)
        /// Start and end are the same time.
        case empty
    }

    /// Creates a window from minute offsets; traps unless `0 <= startMinute < 1440`,
    /// `1 <= endMinute <= 1440` and the two differ.
    public init(startMinute: Int, endMinute: Int) {
        precondition((0..<1440).contains(startMinute) && (1...1440).contains(endMinute))
        precondition(startMinute != endMinute)
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// Parses `HH:MM-HH:MM`. `24:00` is accepted as an end only; an end of `00:00` after a
    /// later start means midnight too (`22:00-00:00` is `22:00-24:00`).
    public init(parsing text: String) throws(ParseError) {
        let parts = text.trimmingSpaces().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .notAWindow }
        guard let start = TimeWindow.minutes(parts[0].trimmingSpaces()), start < 1440 else {
            throw .badTime(String(parts[0]))
        }
        guard let end = TimeWindow.minutes(parts[1].trimmingSpaces()) else {
            throw .badTime(String(parts[1]))
        }
        guard start != end else { throw .empty }
        self.init(startMinute: start, endMinute: end == 0 ? 1440 : end)
    }

    /// True for a window that runs past midnight into the next day.
    public var isOvernight: Bool { endMinute <= startMinute }

    /// Length in minutes.
    public var lengthMinutes: Int { isOvernight ? 1440 - startMinute + endMinute : endMinute - startMinute }

    /// The window as minute offsets from its own day's midnight; an overnight window ends past 1440.
    public var span: Range<Int> { startMinute..<(isOvernight ? endMinute + 1440 : endMinute) }

    public var description: String {
        "\(TimeWindow.format(startMinute))-\(TimeWindow.format(endMinute))"
    }

    static func format(_ minute: Int) -> String {
        "\(String(minute / 60).leftPadded(to: 2)):\(String(minute % 60).leftPadded(to: 2))"
    }

    /// `HH:MM` → minutes after midnight (0 ... 1440), nil unless two-digit hour and minute.
    static func minutes(_ text: Substring) -> Int? {
        let hm = text.split(separator: ":", omittingEmptySubsequences: false)
        guard hm.count == 2, hm[0].count == 2, hm[1].count == 2,
              hm[0].allSatisfy(\.isASCIIDigit), hm[1].allSatisfy(\.isASCIIDigit),
              let h = Int(hm[0]), let m = Int(hm[1]), m < 60
        else { return nil }
        if h == 24 && m == 0 { return 1440 }
        guard h < 24 else { return nil }
        return h * 60 + m
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
