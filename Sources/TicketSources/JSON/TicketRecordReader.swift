import Foundation
import SLAEngine
import Transport

/// Reads a canonical ticket straight from one record's bytes with `JSONReader`, without
/// `JSONDecoder`.
///
/// It accepts only what `Ticket`'s `Decodable` form accepts, and reads it to the same
/// ticket; anything it is not sure of (a record that is not well formed, a wrong type, a
/// missing or repeated field, an unknown status, an escaped key, a lone surrogate) gives
/// nil, and the caller asks `JSONDecoder`, which either reads the ticket or says what is
/// wrong in its own words. So a bad record is described exactly as before, and a good one
/// is read many times faster.
struct TicketRecordReader {
    let mapping: CanonicalMapping

    /// The ticket in `record`, or nil when `JSONDecoder` has to decide.
    func ticket(in record: UnsafeBufferPointer<UInt8>) -> Ticket? {
        var reader = JSONReader(record, strictSurrogates: true)
        reader.skipSpace()
        guard let ticket = ticket(&reader) else { return nil }
        reader.skipSpace()
        return reader.atEnd ? ticket : nil
    }

    private func ticket(_ reader: inout JSONReader) -> Ticket? {
        var id: String?, status: TicketStatus?, createdAt: Date?
        var ticket = Ticket(id: "", createdAt: Date(timeIntervalSince1970: 0))
        let read = known(&reader, TicketKey.self, depth: 1) { reader, field in
            switch field {
            case .id: id = required(&reader, String.string); return id != nil
            case .subject: return optional(&reader, String.string).map { ticket.subject = $0 ?? "" } != nil
            case .customer: return optional(&reader, customer).map { ticket.customer = $0 ?? Customer(id: "") } != nil
            case .priority: return optional(&reader, readPriority).map { ticket.priority = $0 ?? .normal } != nil
            case .channel: return optional(&reader, String.string).map { ticket.channel = $0 } != nil
            case .status: status = required(&reader, readStatus); return status != nil
            case .group: return optional(&reader, String.string).map { ticket.group = $0 } != nil
            case .assignee: return optional(&reader, String.string).map { ticket.assignee = $0 } != nil
            case .tags: return optional(&reader, strings).map { ticket.tags = $0 ?? [] } != nil
            case .url: return optional(&reader, String.string).map { ticket.url = $0 } != nil
            case .createdAt: createdAt = required(&reader, instant); return createdAt != nil
            case .updatedAt: return optional(&reader, instant).map { ticket.updatedAt = $0 } != nil
            case .firstResponseAt: return optional(&reader, instant).map { ticket.firstResponseAt = $0 } != nil
            case .solvedAt: return optional(&reader, instant).map { ticket.solvedAt = $0 } != nil
            case .events: return optional(&reader, events).map { ticket.events = $0 ?? [] } != nil
            }
        }
        guard read, let id, let status, let createdAt else { return nil }
        ticket.id = id
        ticket.status = status
        ticket.createdAt = createdAt
        return ticket
    }

    private func customer(_ reader: inout JSONReader) -> Customer? {
        var id: String?
        var customer = Customer(id: "")
        let read = known(&reader, CustomerKey.self, depth: 2) { reader, field in
            switch field {
            case .id: id = required(&reader, String.string); return id != nil
            case .name: return optional(&reader, String.string).map { customer.name = $0 } != nil
            case .email: return optional(&reader, String.string).map { customer.email = $0 } != nil
            case .tier: return optional(&reader, String.string).map { customer.tier = $0 } != nil
            case .timeZone: return optional(&reader, String.string).map { customer.timeZone = $0 } != nil
            }
        }
        guard read, let id else { return nil }
        customer.id = id
        return customer
    }

    private func events(_ reader: inout JSONReader) -> [TicketEvent]? {
        var events: [TicketEvent] = []
        let read = reader.items { reader in
            guard let event = event(&reader) else { return false }
            events.append(event)
            return true
        }
        return read ? events : nil
    }

    /// An event: its members are read first, then the ones its type uses are checked, as
    /// `TicketEvent`'s decoder ignores the others whatever they hold.
    private func event(_ reader: inout JSONReader) -> TicketEvent? {
        var values: [EventKey: JSONValue] = [:]
        let read = reader.members { reader, key in
            guard let value = reader.value(depth: 3) else { return false }
            guard let field = EventKey(key) else { return true }
            return values.updateValue(value, forKey: field) == nil
        }
        guard read, let atText = values[.at]?.string, let at = Timestamp(rfc3339: atText)?.date,
              let type = values[.type]?.string
        else { return nil }
        /// A member that may be absent or null (`.some(nil)`), else must be of one kind.
        func member<T>(_ key: EventKey, _ read: (JSONValue) -> T?) -> T?? {
            guard let value = values[key], !value.isNull else { return .some(nil) }
            guard let read = read(value) else { return nil }
            return .some(read)
        }
        switch type {
        case "customer_message": return TicketEvent(at: at, .customerMessage)
        case "agent_reply": return member(.isPublic, \.bool).map { TicketEvent(at: at, .agentReply(isPublic: $0 ?? false)) }
        case "status": return values[.status]?.string.flatMap(status(named:)).map { TicketEvent(at: at, .status($0)) }
        case "priority": return values[.priority]?.string.flatMap(priority(named:)).map { TicketEvent(at: at, .priority($0)) }
        case "assignee": return member(.assignee, \.string).map { TicketEvent(at: at, .assignee($0)) }
        case "group": return member(.group, \.string).map { TicketEvent(at: at, .group($0)) }
        default: return nil
        }
    }

    // MARK: Values

    private func readStatus(_ reader: inout JSONReader) -> TicketStatus? {
        String.string(&reader).flatMap(status(named:))
    }

    private func readPriority(_ reader: inout JSONReader) -> TicketPriority? {
        String.string(&reader).flatMap(priority(named:))
    }

    private func status(named text: String) -> TicketStatus? {
        mapping.statuses[text] ?? TicketStatus(rawValue: text)
    }

    private func priority(named text: String) -> TicketPriority? {
        mapping.priorities[text] ?? TicketPriority(rawValue: text)
    }

    private func instant(_ reader: inout JSONReader) -> Date? {
        String.string(&reader).flatMap { Timestamp(rfc3339: $0)?.date }
    }

    private func strings(_ reader: inout JSONReader) -> [String]? {
        var list: [String] = []
        let read = reader.items { reader in
            guard let text = String.string(&reader) else { return false }
            list.append(text)
            return true
        }
        return read ? list : nil
    }
}

/// Reads an object's members named by `Key` with `body`, once each, and reads past (and
/// checks) any other member's value; false when a member is written twice or `body` fails.
private func known<Key: RecordKey>(
    _ reader: inout JSONReader, _: Key.Type, depth: Int, _ body: (inout JSONReader, Key) -> Bool
) -> Bool {
    var seen = Seen()
    return reader.members { reader, key in
        guard let field = Key(key) else { return reader.value(depth: depth) != nil }
        return seen.first(field) && body(&reader, field)
    }
}

/// A value that must be there and not null: nil when it is null or `read` fails.
private func required<T>(_ reader: inout JSONReader, _ read: (inout JSONReader) -> T?) -> T? {
    reader.next == UInt8(ascii: "n") ? nil : read(&reader)
}

/// A value that may be null (`.some(nil)`); nil when it is neither null nor readable.
private func optional<T>(_ reader: inout JSONReader, _ read: (inout JSONReader) -> T?) -> T?? {
    if reader.next == UInt8(ascii: "n") { return reader.literal("null", .null) == nil ? nil : .some(nil) }
    guard let value = read(&reader) else { return nil }
    return .some(value)
}

extension String {
    /// A JSON string at the reader's position; nil for any other value.
    fileprivate static func string(_ reader: inout JSONReader) -> String? {
        reader.next == UInt8(ascii: "\"") ? reader.string() : nil
    }
}

/// Names as written in the canonical format, matched against a key's bytes.
private protocol RecordKey: RawRepresentable<String>, CaseIterable, Sendable, Equatable {
    static var names: KeyNames<Self> { get }
}

extension RecordKey {
    init?(_ key: UnsafeBufferPointer<UInt8>) {
        guard let found = Self.names.match(key) else { return nil }
        self = found
    }
}

/// A key enumeration's names as bytes, each with its bit for `Seen`.
private struct KeyNames<Key: RecordKey>: Sendable {
    let entries: [(name: [UInt8], key: Key)]

    init() {
        entries = Key.allCases.map { (Array($0.rawValue.utf8), $0) }
    }

    func match(_ key: UnsafeBufferPointer<UInt8>) -> Key? {
        for entry in entries where entry.name.count == key.count && entry.name.withUnsafeBufferPointer({ $0.elementsEqual(key) }) {
            return entry.key
        }
        return nil
    }

    func bit(_ key: Key) -> UInt64 {
        UInt64(1) << entries.firstIndex { $0.key == key }!
    }
}

/// The keys of one object read so far, to refuse one written twice.
private struct Seen {
    private var bits: UInt64 = 0

    /// True the first time `key` is passed.
    mutating func first<Key: RecordKey>(_ key: Key) -> Bool {
        let bit = Key.names.bit(key)
        defer { bits |= bit }
        return bits & bit == 0
    }
}

private enum TicketKey: String, RecordKey {
    static let names = KeyNames<TicketKey>()
    case id, subject, customer, priority, channel, status, group, assignee, tags, url, events
    case createdAt = "created_at", updatedAt = "updated_at"
    case firstResponseAt = "first_response_at", solvedAt = "solved_at"
}

private enum CustomerKey: String, RecordKey {
    static let names = KeyNames<CustomerKey>()
    case id, name, email, tier
    case timeZone = "time_zone"
}

private enum EventKey: String, RecordKey {
    static let names = KeyNames<EventKey>()
    case at, type, status, priority, assignee, group
    case isPublic = "public"
}
