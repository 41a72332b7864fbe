public import Foundation
public import SLAEngine

extension OutboxJSON {
    /// The message an outbox row holds.
    ///
    /// A lane that holds more than it keeps whole reads each body back when it claims it, and a
    /// restart reads every pending one: `JSONDecoder`'s containers made that read-back the
    /// largest cost of delivering a large backlog. `Reader` reads the members `encode` and
    /// `JSONEncoder` write for `OutboundMessage`, straight from the bytes; a row it does not
    /// know member for member (a member added later, a value of another type) is read by
    /// `JSONDecoder`, so every row that ever read still reads the same.
    public static func message(from row: Data) throws -> OutboundMessage {
        if let message = row.withUnsafeBytes(Reader.message(in:)) { return message }
        return try JSONDecoder().decode(OutboundMessage.self, from: row)
    }

    /// Reads one outbox row; every method returns nil at the first byte it does not expect.
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        private var at = 0

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
        }

        /// The message `bytes` hold; nil for anything but the members of one.
        static func message(in bytes: UnsafeRawBufferPointer) -> OutboundMessage? {
            var reader = Reader(bytes: bytes)
            return reader.message()
        }

        private mutating func message() -> OutboundMessage? {
            var key: String?, channel: String?, role: String??, audience: OutboundMessage.Audience?, isUrgent: Bool?
            var subject: String?, text: String?, html: String??, tickets: [MessageTicket]?, recipients: [String]?
            var retryTo: [String]??, createdAt: Date?
            let read = members { reader, name in
                switch name {
                case "key": Reader.set(&key, reader.string())
                case "channel": Reader.set(&channel, reader.string())
                case "role": Reader.set(&role, reader.optional { $0.string() })
                case "audience": Reader.set(&audience, reader.string().flatMap(OutboundMessage.Audience.init(rawValue:)))
                case "isUrgent": Reader.set(&isUrgent, reader.bool())
                case "subject": Reader.set(&subject, reader.string())
                case "text": Reader.set(&text, reader.string())
                case "html": Reader.set(&html, reader.optional { $0.string() })
                case "tickets": Reader.set(&tickets, reader.array { $0.ticket() })
                case "recipients": Reader.set(&recipients, reader.array { $0.string() })
                case "retryTo": Reader.set(&retryTo, reader.optional { $0.array { $0.string() } })
                case "createdAt": Reader.set(&createdAt, reader.date())
                default: false
                }
            }
            skipSpace()
            guard read, at == bytes.count, let key, let channel, let audience, let isUrgent, let subject, let text,
                  let tickets, let recipients, let createdAt else { return nil }
            var message = OutboundMessage(
                key: key, channel: channel, role: role ?? nil, audience: audience, isUrgent: isUrgent, subject: subject,
                text: text, html: html ?? nil, tickets: tickets, recipients: recipients, createdAt: createdAt)
            message.retryTo = retryTo ?? nil
            return message
        }

        private mutating func ticket() -> MessageTicket? {
            var id: String?, source: String?, subject: String?, url: String??, metric: Metric??, cycle: Int?
            var step: String?, dueAt: Date??, risk: RiskKind??
            let read = members { reader, name in
                switch name {
                case "id": Reader.set(&id, reader.string())
                case "source": Reader.set(&source, reader.string())
                case "subject": Reader.set(&subject, reader.string())
                case "url": Reader.set(&url, reader.optional { $0.string() })
                case "metric": Reader.set(&metric, reader.optional { $0.string().flatMap(Metric.init(rawValue:)) })
                case "cycle": Reader.set(&cycle, reader.int())
                case "step": Reader.set(&step, reader.string())
                case "dueAt": Reader.set(&dueAt, reader.optional { $0.date() })
                case "risk": Reader.set(&risk, reader.optional { $0.string().flatMap(RiskKind.init(rawValue:)) })
                default: false
                }
            }
            guard read, let id, let subject, let cycle, let step else { return nil }
            return MessageTicket(
                id: id, source: source ?? "", subject: subject, url: url ?? nil, metric: metric ?? nil, cycle: cycle,
                step: step, dueAt: dueAt ?? nil, risk: risk ?? nil)
        }

        /// Keeps a member's value; false when it could not be read.
        private static func set<Value>(_ member: inout Value?, _ value: Value?) -> Bool {
            guard let value else { return false }
            member = value
            return true
        }

        /// An object's members, each name handed to `member`, which reads the value and says
        /// whether it knew the name and read a value it takes.
        private mutating func members(_ member: (inout Reader, Substring) -> Bool) -> Bool {
            guard take(UInt8(ascii: "{")) else { return false }
            if take(UInt8(ascii: "}")) { return true }
            repeat {
                guard let name = string(), take(UInt8(ascii: ":")) else { return false }
                guard member(&self, Substring(name)) else { return false }
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}"))
        }

        private mutating func array<Element>(_ element: (inout Reader) -> Element?) -> [Element]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var elements: [Element] = []
            if take(UInt8(ascii: "]")) { return elements }
            repeat {
                guard let next = element(&self) else { return nil }
                elements.append(next)
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]")) ? elements : nil
        }

        /// `null` as `.some(nil)`; otherwise the value `read` reads, nil when it fails.
        private mutating func optional<Value>(_ read: (inout Reader) -> Value?) -> Value?? {
            if literal("null") { return .some(nil) }
            guard let value = read(&self) else { return nil }
            return .some(value)
        }

        private mutating func bool() -> Bool? {
            if literal("true") { return true }
            if literal("false") { return false }
            return nil
        }

        private mutating func int() -> Int? {
            number().flatMap { Int($0) }
        }

        /// A date as `JSONEncoder` writes it by default: seconds since 2001-01-01.
        private mutating func date() -> Date? {
            number().flatMap { Double($0) }.map(Date.init(timeIntervalSinceReferenceDate:))
        }

        private mutating func number() -> Substring? {
            skipSpace()
            let start = at
            while at < bytes.count, Reader.isNumberByte(bytes[at]) { at += 1 }
            guard at > start else { return nil }
            return Substring(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
        }

        private static func isNumberByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "e"), UInt8(ascii: "E"): true
            default: false
            }
        }

        /// A JSON string; the bytes between the quotes taken whole when nothing is escaped.
        private mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = at
            while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") { at += 1 }
            guard at < bytes.count else { return nil }
            if bytes[at] == UInt8(ascii: "\"") {
                defer { at += 1 }
                return String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            }
            var unescaped = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<at]))
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                switch byte {
                case UInt8(ascii: "\""): return String(validating: unescaped, as: UTF8.self)
                case UInt8(ascii: "\\"): guard escape(into: &unescaped) else { return nil }
                default: unescaped.append(byte)
                }
            }
            return nil
        }

        /// The escape after a backslash, as UTF-8; `\u` with its low surrogate when it has one.
        private mutating func escape(into unescaped: inout [UInt8]) -> Bool {
            guard at < bytes.count else { return false }
            let byte = bytes[at]
            at += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(byte)
            case UInt8(ascii: "b"): unescaped.append(0x08)
            case UInt8(ascii: "f"): unescaped.append(0x0C)
            case UInt8(ascii: "n"): unescaped.append(0x0A)
            case UInt8(ascii: "r"): unescaped.append(0x0D)
            case UInt8(ascii: "t"): unescaped.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { return false }
                if (0xD800..<0xDC00).contains(scalar) {
                    guard at + 2 <= bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else { return false }
                    at += 2
                    guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return false }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let character = Unicode.Scalar(scalar) else { return false }
                unescaped.append(contentsOf: String(Character(character)).utf8)
            default: return false
            }
            return true
        }

        private mutating func hex4() -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            let digits = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at..<at + 4]), as: UTF8.self)
            guard let value = UInt32(digits, radix: 16) else { return nil }
            at += 4
            return value
        }

        private mutating func literal(_ text: StaticString) -> Bool {
            skipSpace()
            let count = text.utf8CodeUnitCount
            guard at + count <= bytes.count else { return false }
            let matches = text.withUTF8Buffer { expected in
                (0..<count).allSatisfy { bytes[at + $0] == expected[$0] }
            }
            if matches { at += count }
            return matches
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        private mutating func skipSpace() {
            while at < bytes.count {
                switch bytes[at] {
                case 0x20, 0x09, 0x0A, 0x0D: at += 1
                default: return
                }
            }
        }
    }
}
