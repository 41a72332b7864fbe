import Foundation

/// A mail address with an optional display name, parsed from `local@domain` or
/// `Name <local@domain>`.
///
/// Deliberately narrower than RFC 5322: the address is printable ASCII without spaces,
/// quotes, angle brackets, commas or semicolons, so it can go into a header and an SMTP
/// command unquoted. The display name may be anything; control characters become spaces and
/// it is quoted or RFC 2047 encoded when rendered.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The display name, or nil.
    public var name: String?
    /// `local@domain`.
    public var address: String

    /// Parses `text`; nil when it is not an address this type accepts.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharactersOfWhitespace()
        // A line break inside is no address, whatever follows it: `a@b\r\n.\r\nMAIL FROM:<x@y>`
        // read as a name before `<x@y>` and was mailed to x@y.
        guard !trimmed.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) else { return nil }
        var name: String?
        var address = trimmed
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var display = String(trimmed[..<open]).trimmingCharactersOfWhitespace()
            if display.count >= 2, display.hasPrefix("\""), display.hasSuffix("\"") {
                display = String(display.dropFirst().dropLast())
                    .replacingEach(of: "\\\"", with: "\"").replacingEach(of: "\\\\", with: "\\")
            }
            name = display.isEmpty ? nil : MIMEText.headerSafe(display)
        }
        guard MailAddress.isAcceptable(address) else { return nil }
        self.name = name
        self.address = address
    }

    public init?(name: String?, address: String) {
        guard MailAddress.isAcceptable(address) else { return nil }
        self.name = name.map(MIMEText.headerSafe)
        self.address = address
    }

    /// The domain part, for Message-IDs.
    public var domain: String { String(address[address.index(after: address.lastIndex(of: "@")!)...]) }

    public var description: String { name.map { "\($0) <\(address)>" } ?? address }

    /// The address as it goes into `From`, `To` or `Cc`: the name quoted or encoded.
    func headerValue() -> String {
        guard let name, !name.isEmpty else { return address }
        let phrase: String
        if name.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }), name.utf8.count <= 60, !name.contains("=?") {
            phrase = "\"" + name.replacingEach(of: "\\", with: "\\\\").replacingEach(of: "\"", with: "\\\"") + "\""
        } else {
            phrase = MIMEText.encodedWords(name).joined(separator: "\r\n ")
        }
        // Fold before the address when the last line would pass 78 with a `To: ` in front.
        let lastLine = phrase.components(separatedBy: "\r\n").last ?? phrase
        let separator = lastLine.utf8.count + address.utf8.count + 7 > 78 ? "\r\n " : " "
        return phrase + separator + "<\(address)>"
    }

    private static func isAcceptable(_ address: String) -> Bool {
        guard let at = address.lastIndex(of: "@") else { return false }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty, domain.utf8.count <= 253,
            !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..")
        else { return false }
        let forbidden = Set("<>()[]\\,;:\"@ ".utf8)
        let localOK = local.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f && ($0 == UInt8(ascii: "@") ? false : !forbidden.contains($0)) }
        let domainOK = domain.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
                || byte == UInt8(ascii: ":")
        }
        return localOK && domainOK
    }
}
