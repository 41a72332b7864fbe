public import Foundation
import BusinessTime

/// An RFC 3339 instant as it appears in ticket data and reports (`2026-11-20T16:05:00Z`).
///
/// Parsing requires an explicit offset (`Z` or `±HH:MM`) and accepts fractional seconds,
/// which are dropped: slawatch works to the second. Formatting is always UTC with `Z`.
public struct Timestamp: Sendable, Hashable, Codable, CustomStringConvertible {
    public let date: Date

    public init(_ date: Date) {
        self.date = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// Parses an RFC 3339 date-time; nil for anything else.
    public init?(rfc3339 text: some StringProtocol) {
        let b = Array(text.utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count >= 20,
              let year = digits(0, 4), b[4] == UInt8(ascii: "-"), let month = digits(5, 2), b[7] == UInt8(ascii: "-"),
              let day = digits(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
              let hour = digits(11, 2), b[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
              b[16] == UInt8(ascii: ":"), let second = digits(17, 2),
              let date = LocalDate(year: year, month: month, day: day),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let oh = digits(i + 1, 2), b.count > i + 3, b[i + 3] == UInt8(ascii: ":"), let om = digits(i + 4, 2),
                  oh < 24, om < 60
            else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == b.count else { return nil }
        let seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
        self.date = Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath,
                debugDescription: "\"\(text)\" is not an RFC 3339 time; write it as 2026-11-20T16:05:00Z"
            ))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC.
    public var description: String { Timestamp.format(epoch: Int64(date.timeIntervalSince1970.rounded(.down))) }

    /// Calls `body` with the UTF-8 bytes of `description`, without making a string for
    /// the usual four-digit year: for reports that write many.
    public func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let epoch = Int64(date.timeIntervalSince1970.rounded(.down))
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            guard Timestamp.format(epoch: epoch, into: buffer) else {
                var text = description
                return try text.withUTF8(body)
            }
            return try body(UnsafeBufferPointer(buffer))
        }
    }

    /// Formats epoch seconds as `YYYY-MM-DDTHH:MM:SSZ`; the year always has four digits.
    public static func format(epoch t: Int64) -> String {
        let text = String(unsafeUninitializedCapacity: 20) { format(epoch: t, into: $0) ? 20 : 0 }
        if !text.isEmpty { return text }
        // A year before 0 or after 9999, as it is.
        let days = Int(t >= 0 ? t / 86_400 : (t - 86_399) / 86_400)
        let rest = Int(t - Int64(days) * 86_400)
        let d = LocalDate(daysSinceEpoch: days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(d.year)-\(two(d.month))-\(two(d.day))T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
    }

    /// Writes the 20 bytes of `YYYY-MM-DDTHH:MM:SSZ` into `out`; false (nothing written)
    /// when the year is not in 0...9999.
    static func format(epoch t: Int64, into out: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let days = Int(t >= 0 ? t / 86_400 : (t - 86_399) / 86_400)
        let rest = Int(t - Int64(days) * 86_400)
        let d = LocalDate(daysSinceEpoch: days)
        guard (0..<10_000).contains(d.year), out.count >= 20 else { return false }
        var i = 0
        func put(_ byte: UInt8) {
            out[i] = byte
            i += 1
        }
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                put(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(d.year, 4); put(UInt8(ascii: "-")); digits(d.month, 2); put(UInt8(ascii: "-")); digits(d.day, 2)
        put(UInt8(ascii: "T")); digits(rest / 3600, 2); put(UInt8(ascii: ":")); digits(rest / 60 % 60, 2)
        put(UInt8(ascii: ":")); digits(rest % 60, 2); put(UInt8(ascii: "Z"))
        return true
    }
}
