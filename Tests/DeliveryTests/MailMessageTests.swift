import Foundation
import SLAEngine
import Testing
@testable import Delivery

@Suite struct MailMessageTests {
    static let from = MailAddress(parsing: "Example Support <support@example.com>")!

    static func render(subject: String, text: String = "Body", html: String = "<p>Body</p>") -> String {
        String(decoding: MailMessage(
            from: from, to: [MailAddress(parsing: "Dana Director <director@example.com>")!], subject: subject, text: text,
            html: html, date: Date(timeIntervalSince1970: 1_795_000_000), messageID: "id@example.com"
        ).rendered(), as: UTF8.self)
    }

    /// Decodes RFC 2047 B encoded-words (what a mail reader does) for checking.
    static func decodeWords(_ value: String) -> String {
        value.components(separatedBy: "\r\n ").map { word -> String in
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?=") else { return word }
            let payload = String(word.dropFirst(10).dropLast(2))
            return String(decoding: Data(base64Encoded: payload)!, as: UTF8.self)
        }.joined()
    }

    @Test func linesAreCRLFAndShort() {
        let longLine = String(repeating: "é long words and = signs ", count: 200)
        let text = MailMessageTests.render(subject: String(repeating: "Ticket subject ", count: 30), text: longLine + "\nend  ", html: longLine)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        for line in text.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78, "\(line.prefix(40))")
        }
    }

    @Test func headers() {
        let text = MailMessageTests.render(subject: "Plain subject")
        #expect(text.hasPrefix("Date: Wed, 18 Nov 2026 11:06:40 +0000\r\nFrom: \"Example Support\" <support@example.com>\r\nTo: \"Dana Director\" <director@example.com>\r\nSubject: Plain subject\r\nMessage-ID: <id@example.com>\r\nMIME-Version: 1.0\r\n"))
        #expect(text.contains("Content-Type: multipart/alternative;\r\n boundary=\"=_slawatch_"))
        #expect(text.contains("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"))
        #expect(text.contains("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"))
    }

    @Test(arguments: ["Überfällig: Ticket 1042 — erste Antwort", "チケット 1042 の初回応答期限", String(repeating: "long ascii subject ", count: 10), "looks =?like?= a word"])
    func subjectsAreEncodedWordsThatDecodeBack(subject: String) throws {
        let text = MailMessageTests.render(subject: subject)
        let line = try #require(text.components(separatedBy: "\r\nMessage-ID").first?.components(separatedBy: "\r\nSubject: ").last)
        #expect(line.hasPrefix("=?UTF-8?B?"))
        #expect(MailMessageTests.decodeWords(line) == subject)
        for word in line.components(separatedBy: "\r\n ") { #expect(word.count <= 75) }
    }

    @Test func controlCharactersCannotStartAHeader() {
        let text = MailMessageTests.render(subject: "Hi\r\nBcc: victim@example.com\nX-Other: 1")
        let headerNames = text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
            .filter { !$0.hasPrefix(" ") }.map { String($0.prefix { $0 != ":" }) }
        #expect(!headerNames.contains("Bcc") && !headerNames.contains("X-Other"))
        #expect(text.contains("Subject: Hi  Bcc: victim@example.com X-Other: 1\r\n"))
    }

    /// Every character that could end a header line becomes a space; anything else, printable
    /// ASCII or not, is kept as it is.
    @Test(arguments: [
        ("memory:T-1/first_response/1/lead@leads", "memory:T-1/first_response/1/lead@leads"),
        ("a\rb\nc\td\u{7f}e", "a b c d e"), ("C1\u{85}here", "C1 here"), ("a\u{2028}b\u{2029}c", "a b c"),
        ("Überfällig — 1042", "Überfällig — 1042"), ("", ""),
    ])
    func headerSafeTextHasNoLineEnd(_ text: String, _ expected: String) {
        #expect(MIMEText.headerSafe(text) == expected)
    }

    @Test func quotedPrintable() {
        #expect(MIMEText.quotedPrintable("a=b") == "a=3Db")
        #expect(MIMEText.quotedPrintable("trailing \nx\t") == "trailing=20\r\nx=09")
        #expect(MIMEText.quotedPrintable("é") == "=C3=A9")
        #expect(MIMEText.quotedPrintable("a\r\nb\rc") == "a\r\nb\r\nc")
        let long = MIMEText.quotedPrintable(String(repeating: "x", count: 200))
        let lines = long.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix("=") })
        #expect(lines.map { $0.hasSuffix("=") ? String($0.dropLast()) : $0 }.joined() == String(repeating: "x", count: 200))
    }

    @Test func messageIDDependsOnlyOnTheKey() {
        let a = MailMessage.messageID(forKey: "T-1/first_response/1/75%", domain: "example.com")
        #expect(a == MailMessage.messageID(forKey: "T-1/first_response/1/75%", domain: "example.com"))
        #expect(a != MailMessage.messageID(forKey: "T-1/first_response/1/90%", domain: "example.com"))
        #expect(a.hasSuffix("@example.com") && a.hasPrefix("slawatch."))
        #expect(a.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "@" })
    }

    @Test(arguments: [
        ("support@example.com", nil as String?, "support@example.com"),
        ("Example Support <support@example.com>", "Example Support", "support@example.com"),
        ("\"Support, Team\" <support@example.com>", "Support, Team", "support@example.com"),
        ("  dana@example.com  ", nil, "dana@example.com"),
    ])
    func addresses(text: String, name: String?, address: String) throws {
        let parsed = try #require(MailAddress(parsing: text))
        #expect(parsed.name == name && parsed.address == address)
    }

    @Test(arguments: ["", "no-at-sign", "a@", "@b.com", "a b@c.com", "a@b.com>", "x@y.com\r\nBcc: z@w.com", "a@b.example\r\n.\r\nMAIL FROM:<x@y.example>", "Dana\n<dana@example.com>", "<a@b.com", "a@b..com", "a,b@c.com"])
    func notAddresses(text: String) {
        #expect(MailAddress(parsing: text) == nil)
    }

    @Test func relaySettings() throws {
        #expect(try SMTPRelay(url: "smtp://mail.example.com:587", from: "a@example.com").security == .starttls)
        #expect(try SMTPRelay(url: "smtps://mail.example.com", from: "a@example.com").security == .implicit)
        let implicit = try SMTPRelay(url: "smtp://mail.example.com:465", security: .implicit, from: "a@example.com")
        #expect(implicit.url == "smtps://mail.example.com:465")
        #expect(throws: ChannelSettingsError.self) { try SMTPRelay(url: "smtps://mail.example.com", security: .starttls, from: "a@example.com") }
        #expect(throws: ChannelSettingsError.self) { try SMTPRelay(url: "https://mail.example.com", from: "a@example.com") }
        #expect(throws: ChannelSettingsError.self) { try SMTPRelay(url: "smtp://mail.example.com", from: "not an address") }
        #expect(throws: ChannelSettingsError.self) { try SMTPRelay(url: "smtp://mail.example.com", username: "u", from: "a@example.com") }
        #expect(throws: ChannelSettingsError.self) { try SMTPRelay(url: "smtp://u:pw@mail.example.com", from: "a@example.com") }
        #expect(throws: ChannelSettingsError(code: .unreadableFile, message: "the relay's ca_file /nonexistent/ca.pem does not exist "
            + "or cannot be read; point it at the PEM file of the relay's CA")) {
            try SMTPRelay(url: "smtp://mail.example.com", from: "a@example.com", caFile: "/nonexistent/ca.pem")
        }
    }
}
