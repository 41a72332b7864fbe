import Foundation
import SLAEngine
import Transport

/// The instants the helpdesk APIs send, read leniently: RFC 3339 (`Z` or `±HH:MM`), Jira's
/// `±HHMM` offsets (`2026-11-20T16:05:00.000+0000`), and epoch seconds or milliseconds.
enum VendorTime {
    static func parse(_ text: String) -> Date? {
        if let timestamp = Timestamp(rfc3339: text) { return timestamp.date }
        // ±HHMM at the end: insert the colon.
        let bytes = Array(text.utf8)
        if bytes.count > 5 {
            let sign = bytes[bytes.count - 5]
            if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
               bytes[(bytes.count - 4)...].allSatisfy({ $0 >= 48 && $0 <= 57 })
            {
                var fixed = text
                fixed.insert(":", at: fixed.index(fixed.endIndex, offsetBy: -2))
                return Timestamp(rfc3339: fixed)?.date
            }
        }
        return nil
    }

    /// A JSON value as an instant: a time string, or epoch seconds (milliseconds above 10¹²).
    static func parse(_ node: JSONValue) -> Date? {
        if let text = node.string { return parse(text) }
        if let number = node.number, number.isFinite, number >= 0 {
            let seconds = number > 1e12 ? number / 1000 : number
            return Date(timeIntervalSince1970: seconds.rounded(.down))
        }
        return nil
    }
}
