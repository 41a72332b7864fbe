public import Foundation
public import SLAEngine
import Transport

/// The outbox form of a message: the JSON `JSONEncoder` writes for `OutboundMessage` (same
/// keys, nil values left out, dates as seconds since 2001 — Foundation's default), written
/// straight into a byte buffer.
///
/// A first tick over a large backlog puts a hundred thousand messages in the outbox, and
/// `JSONEncoder`'s boxed containers were a third of that commit. The rows stay JSON, read
/// back by `OutboxJSON.message(from:)`, so rows written by either are read the same way.
public enum OutboxJSON {
    /// `message` as outbox JSON; nil when a date cannot be written as a JSON number (never
    /// for a date a tick makes), which the caller encodes with `JSONEncoder` instead.
    public static func encode(_ message: OutboundMessage) -> Data? {
        var out = Writer()
        out.bytes.reserveCapacity(256 + message.subject.utf8.count + message.text.utf8.count + (message.html?.utf8.count ?? 0))
        out.open()
        out.field("key", message.key)
        out.field("channel", message.channel)
        out.field("role", message.role)
        out.field("audience", message.audience.rawValue)
        out.key("isUrgent")
        out.raw(message.isUrgent ? "true" : "false")
        out.field("subject", message.subject)
        out.field("text", message.text)
        out.field("html", message.html)
        out.key("tickets")
        out.bytes.append(UInt8(ascii: "["))
        for (index, ticket) in message.tickets.enumerated() {
            if index > 0 { out.bytes.append(UInt8(ascii: ",")) }
            guard out.ticket(ticket) else { return nil }
        }
        out.bytes.append(UInt8(ascii: "]"))
        out.field("recipients", message.recipients)
        if let retryTo = message.retryTo { out.field("retryTo", retryTo) }
        guard out.field("createdAt", message.createdAt) else { return nil }
        out.close()
        return Data(out.bytes)
    }

    /// An object written member by member.
    private struct Writer {
        var bytes: [UInt8] = []
        /// Whether the object being written has a member yet.
        private var hasMember = false

        mutating func open() {
            bytes.append(UInt8(ascii: "{"))
            hasMember = false
        }

        mutating func close() {
            bytes.append(UInt8(ascii: "}"))
            hasMember = true
        }

        mutating func raw(_ text: StaticString) {
            text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        mutating func key(_ name: StaticString) {
            if hasMember { bytes.append(UInt8(ascii: ",")) }
            hasMember = true
            bytes.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
        }

        /// A string member; none for nil, as `JSONEncoder` leaves out a nil optional.
        mutating func field(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            string(value)
        }

        mutating func field(_ name: StaticString, _ value: Int) {
            key(name)
            bytes.append(contentsOf: String(value).utf8)
        }

        mutating func field(_ name: StaticString, _ values: [String]) {
            key(name)
            bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                string(value)
            }
            bytes.append(UInt8(ascii: "]"))
        }

        /// A date as `JSONEncoder` writes it by default: seconds since 2001-01-01, a number
        /// that reads back to the same `Date`. False for a date that is not finite.
        mutating func field(_ name: StaticString, _ date: Date) -> Bool {
            let seconds = date.timeIntervalSinceReferenceDate
            guard seconds.isFinite else { return false }
            key(name)
            // `description` is the shortest text that reads back to the same Double.
            bytes.append(contentsOf: seconds.description.utf8)
            return true
        }

        mutating func ticket(_ ticket: MessageTicket) -> Bool {
            open()
            field("id", ticket.id)
            field("source", ticket.source)
            field("subject", ticket.subject)
            field("url", ticket.url)
            field("metric", ticket.metric?.rawValue)
            field("cycle", ticket.cycle)
            field("step", ticket.step)
            if let dueAt = ticket.dueAt, !field("dueAt", dueAt) { return false }
            field("risk", ticket.risk?.rawValue)
            close()
            return true
        }

        /// `value` quoted as every JSON string of the project is (`JSONWriter`).
        mutating func string(_ value: String) {
            var value = value
            value.withUTF8 { JSONWriter.appendQuoted($0, to: &bytes) }
        }
    }
}
