public import Foundation

/// An RFC 5322 message with a `multipart/alternative` body (plain text and HTML), ready for
/// an SMTP relay.
///
/// What `rendered()` guarantees: CRLF line endings throughout; header lines folded to 78
/// characters (only an address longer than that gets a line of its own, still far under
/// RFC 5322's 998 octets) and body lines at most 76; header values with control characters
/// replaced by spaces, so nothing can add a header; a non-ASCII or long subject as RFC 2047
/// encoded-words; both parts UTF-8 quoted-printable, so a lone `.` line or a `From ` line is
/// left to the transport's dot-stuffing. The same message renders to the same bytes,
/// boundary included.
public struct MailMessage: Sendable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var cc: [MailAddress]
    /// One line; line breaks become spaces.
    public var subject: String
    /// The plain-text part; `\n`, `\r\n` or `\r` line breaks.
    public var text: String
    /// The HTML part, already escaped.
    public var html: String
    public var date: Date
    /// The `Message-ID` without angle brackets; `messageID(forKey:domain:)` derives it.
    public var messageID: String

    public init(
        from: MailAddress, to: [MailAddress], cc: [MailAddress] = [], subject: String, text: String, html: String,
        date: Date, messageID: String
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.messageID = messageID
    }

    /// A Message-ID that depends only on the idempotency key and the sender's domain, so a
    /// message sent again after a crash carries the same id and receivers can drop it.
    public static func messageID(forKey key: String, domain: String) -> String {
        "slawatch.\(ContentHash.hex(of: key, bytes: 16))@\(domain)"
    }

    /// The message bytes.
    public func rendered() -> Data {
        let boundary = "=_slawatch_" + ContentHash.hex(of: messageID + "\u{0}" + text + html, bytes: 12)
        var lines: [String] = []
        lines.append("Date: \(MailMessage.rfc5322Date(date))")
        lines.append("From: \(from.headerValue())")
        if !to.isEmpty { lines.append("To: " + to.map { $0.headerValue() }.joined(separator: ",\r\n ")) }
        if !cc.isEmpty { lines.append("Cc: " + cc.map { $0.headerValue() }.joined(separator: ",\r\n ")) }
        lines.append(MIMEText.unstructuredHeader("Subject", subject))
        lines.append("Message-ID: <\(MIMEText.headerSafe(messageID).replacingEach(of: " ", with: ""))>")
        lines.append("MIME-Version: 1.0")
        lines.append("Auto-Submitted: auto-generated")
        lines.append("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"")
        lines.append("")
        lines.append("This is a multi-part message in MIME format.")
        for (type, content) in [("text/plain", text), ("text/html", html)] {
            lines.append("--\(boundary)")
            lines.append("Content-Type: \(type); charset=utf-8")
            lines.append("Content-Transfer-Encoding: quoted-printable")
            lines.append("")
            lines.append(MIMEText.quotedPrintable(content))
        }
        lines.append("--\(boundary)--")
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { MIMEText.hexByte($0) }.joined()
    }

    /// `Fri, 20 Nov 2026 16:05:00 +0000`, always in UTC.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[parts.weekday! - 1]), \(two(parts.day!)) \(months[parts.month! - 1]) \(parts.year!) "
            + "\(two(parts.hour!)):\(two(parts.minute!)):\(two(parts.second!)) +0000"
    }
}
