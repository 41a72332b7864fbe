public import Foundation
public import SLAEngine
import Transport

extension OutboxJSON {
    /// The message an outbox row holds.
    ///
    /// A lane that holds more than it keeps whole reads each body back when it claims it, and a
    /// restart reads every pending one: `JSONDecoder`'s containers made that read-back the
    /// largest cost of delivering a large backlog. The members `encode` and `JSONEncoder` write
    /// for `OutboundMessage` are read straight from the bytes by `JSONReader`; a row it does not
    /// know member for member (a member added later, a value of another type) is read by
    /// `JSONDecoder`, so every row that ever read still reads the same.
    public static func message(from row: Data) throws -> OutboundMessage {
        if let message = read(row) { return message }
        return try JSONDecoder().decode(OutboundMessage.self, from: row)
    }

    /// The message `row` holds; nil for anything but the members of one.
    static func read(_ row: Data) -> OutboundMessage? {
        row.withUnsafeBytes { raw in
            var reader = JSONReader(raw.bindMemory(to: UInt8.self), strictSurrogates: true)
            reader.skipSpace()
            guard let message = reader.outboundMessage() else { return nil }
            reader.skipSpace()
            return reader.atEnd ? message : nil
        }
    }
}

extension JSONReader {
    fileprivate mutating func outboundMessage() -> OutboundMessage? {
        var key: String?, channel: String?, role: String??, audience: OutboundMessage.Audience?, isUrgent: Bool?
        var subject: String?, text: String?, html: String??, tickets: [MessageTicket]?, recipients: [String]?
        var retryTo: [String]??, createdAt: Date?
        let read = members { reader, name in
            switch String(decoding: name, as: UTF8.self) {
            case "key": keep(&key, reader.text())
            case "channel": keep(&channel, reader.text())
            case "role": keep(&role, reader.optional { $0.text() })
            case "audience": keep(&audience, reader.text().flatMap(OutboundMessage.Audience.init(rawValue:)))
            case "isUrgent": keep(&isUrgent, reader.flag())
            case "subject": keep(&subject, reader.text())
            case "text": keep(&text, reader.text())
            case "html": keep(&html, reader.optional { $0.text() })
            case "tickets": keep(&tickets, reader.list { $0.messageTicket() })
            case "recipients": keep(&recipients, reader.list { $0.text() })
            case "retryTo": keep(&retryTo, reader.optional { $0.list { $0.text() } })
            case "createdAt": keep(&createdAt, reader.date())
            default: false
            }
        }
        guard read, let key, let channel, let audience, let isUrgent, let subject, let text, let tickets, let recipients,
              let createdAt else { return nil }
        var message = OutboundMessage(
            key: key, channel: channel, role: role ?? nil, audience: audience, isUrgent: isUrgent, subject: subject,
            text: text, html: html ?? nil, tickets: tickets, recipients: recipients, createdAt: createdAt)
        message.retryTo = retryTo ?? nil
        return message
    }

    private mutating func messageTicket() -> MessageTicket? {
        var id: String?, source: String?, subject: String?, url: String??, metric: Metric??, cycle: Int?
        var step: String?, dueAt: Date??, risk: RiskKind??
        let read = members { reader, name in
            switch String(decoding: name, as: UTF8.self) {
            case "id": keep(&id, reader.text())
            case "source": keep(&source, reader.text())
            case "subject": keep(&subject, reader.text())
            case "url": keep(&url, reader.optional { $0.text() })
            case "metric": keep(&metric, reader.optional { $0.text().flatMap(Metric.init(rawValue:)) })
            case "cycle": keep(&cycle, reader.whole())
            case "step": keep(&step, reader.text())
            case "dueAt": keep(&dueAt, reader.optional { $0.date() })
            case "risk": keep(&risk, reader.optional { $0.text().flatMap(RiskKind.init(rawValue:)) })
            default: false
            }
        }
        guard read, let id, let subject, let cycle, let step else { return nil }
        return MessageTicket(
            id: id, source: source ?? "", subject: subject, url: url ?? nil, metric: metric ?? nil, cycle: cycle,
            step: step, dueAt: dueAt ?? nil, risk: risk ?? nil)
    }

    /// A string; nil for any other value.
    private mutating func text() -> String? {
        next == UInt8(ascii: "\"") ? string() : nil
    }

    private mutating func flag() -> Bool? {
        switch next {
        case UInt8(ascii: "t"): literal("true", .bool(true)).map { _ in true }
        case UInt8(ascii: "f"): literal("false", .bool(false)).map { _ in false }
        default: nil
        }
    }

    private mutating func whole() -> Int? {
        guard case .int(let value)? = number() else { return nil }
        return value
    }

    /// A date as `JSONEncoder` writes it by default: seconds since 2001-01-01.
    private mutating func date() -> Date? {
        switch number() {
        case .int(let seconds)?: Date(timeIntervalSinceReferenceDate: Double(seconds))
        case .double(let seconds)?: Date(timeIntervalSinceReferenceDate: seconds)
        default: nil
        }
    }

    /// `null` as `.some(nil)`; otherwise the value `read` reads, nil when it fails.
    private mutating func optional<Value>(_ read: (inout JSONReader) -> Value?) -> Value?? {
        if next == UInt8(ascii: "n") { return literal("null", .null) == nil ? nil : .some(nil) }
        return read(&self).map { .some($0) }
    }

    private mutating func list<Element>(_ element: (inout JSONReader) -> Element?) -> [Element]? {
        var elements: [Element] = []
        let read = items { reader in
            guard let next = element(&reader) else { return false }
            elements.append(next)
            return true
        }
        return read ? elements : nil
    }
}

/// Keeps a member's value; false when it could not be read.
private func keep<Value>(_ member: inout Value?, _ value: Value?) -> Bool {
    guard let value else { return false }
    member = value
    return true
}
