import Foundation
import Synchronization

/// `DateFormatter`s by zone and pattern, shared across threads.
///
/// A formatter is not safe to use from two threads at once, so each is lent to one thread
/// at a time (a pool per zone and pattern, so that every core words at once), and a date
/// formatted lately is not formatted again: every customer notice of a tick says when it
/// was sent, and most promise the same next update.
final class FormatterCache: Sendable {
    private let entries = Mutex<[Key: Entry]>([:])
    /// Dates remembered per zone and pattern; then they are forgotten all at once.
    static let recentLimit = 4096

    /// A zone's identifier and a pattern: made without joining them into a new string.
    private struct Key: Hashable {
        let zone: String
        let pattern: String
    }

    private struct Entry {
        var idle: [DateFormatterBox] = []
        /// Formatted dates by the second they fall in: the patterns show minutes, and zone
        /// offsets are whole seconds, so every date within one second reads the same.
        var recent: [Int64: String] = [:]

        /// Takes the formatter back and remembers what it wrote for `second`, if any.
        mutating func keep(_ box: DateFormatterBox, _ string: String, at second: Int64?) {
            idle.append(box)
            guard let second else { return }
            if recent.count >= FormatterCache.recentLimit { recent.removeAll(keepingCapacity: true) }
            recent[second] = string
        }
    }

    /// A box so a formatter can live in a `Mutex`; used by one thread at a time, the one
    /// it is lent to.
    private final class DateFormatterBox: @unchecked Sendable {
        let formatter: DateFormatter
        init(_ formatter: DateFormatter) { self.formatter = formatter }
    }

    func string(from date: Date, zone: TimeZone, pattern: String) -> String {
        let key = Key(zone: zone.identifier, pattern: pattern)
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let second = abs(seconds) < 1e15 ? Int64(seconds) : nil
        let (known, lent) = entries.withLock { entries -> (String?, DateFormatterBox?) in
            if let second, let known = entries[key]?.recent[second] { return (known, nil) }
            return (nil, entries[key]?.idle.popLast())
        }
        if let known { return known }
        let box = lent ?? DateFormatterBox(Self.formatter(zone: zone, pattern: pattern))
        let string = box.formatter.string(from: date)
        entries.withLock { entries in entries[key, default: Entry()].keep(box, string, at: second) }
        return string
    }

    private static func formatter(zone: TimeZone, pattern: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter
    }
}

/// Dates worded lately by one thread, by zone and pattern: the messages of a tick's part
/// mostly say the same few instants (when they are sent, when the next update comes), and
/// looking them up here takes no lock. Dates within one second read the same, as in
/// `FormatterCache`.
struct RecentDates {
    private var entries: [Entry] = []
    private var next = 0
    /// Instants remembered; the oldest is replaced.
    static let limit = 8

    private struct Entry {
        let second: Int64
        let pattern: String
        let zone: String
        let text: String
    }

    mutating func string(from date: Date, zone: TimeZone, pattern: String, cache: FormatterCache) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard abs(seconds) < 1e15 else { return cache.string(from: date, zone: zone, pattern: pattern) }
        let second = Int64(seconds), identifier = zone.identifier
        for entry in entries where entry.second == second && entry.pattern == pattern && entry.zone == identifier {
            return entry.text
        }
        let text = cache.string(from: date, zone: zone, pattern: pattern)
        let entry = Entry(second: second, pattern: pattern, zone: identifier, text: text)
        if entries.count < RecentDates.limit {
            entries.append(entry)
        } else {
            entries[next] = entry
            next = (next + 1) % RecentDates.limit
        }
        return text
    }
}
