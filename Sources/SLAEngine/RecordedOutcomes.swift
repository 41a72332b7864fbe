/// What is on record of clock outcomes, kept small for a tick to check every fulfilled
/// and breached clock against: a 64-bit digest of each clock key and of its mark (state,
/// due time, fulfilment), 16 bytes a clock, computed without building the key.
///
/// Two keys with one digest would make the second outcome look recorded; with FNV-1a's
/// 64 bits that is about one chance in 10^7 for a million clocks ever recorded.
public struct RecordedOutcomes: Sendable {
    private var marks: [UInt64: UInt64] = [:]

    public init() {}

    public var count: Int { marks.count }

    public mutating func reserveCapacity(_ count: Int) { marks.reserveCapacity(count) }

    /// Notes `outcome` as recorded.
    public mutating func record(_ outcome: ClockOutcome) {
        marks[RecordedOutcomes.key(outcome.source, outcome.ticketID, outcome.metric, outcome.cycle)] = RecordedOutcomes.mark(
            outcome.state, dueAt: outcome.dueAt.map(epoch), fulfilledAt: outcome.fulfilledAt.map(epoch))
    }

    /// Notes a row as read back: its clock key as stored and its mark.
    public mutating func record(clockKey: String, state: ClockState, dueAt: Int64?, fulfilledAt: Int64?) {
        var hash = RecordedOutcomes.offset
        for byte in clockKey.utf8 { hash = (hash ^ UInt64(byte)) &* RecordedOutcomes.prime }
        marks[hash] = RecordedOutcomes.mark(state, dueAt: dueAt, fulfilledAt: fulfilledAt)
    }

    /// True when `clock` of `ticket` is on record as it stands.
    public func holds(_ clock: SLAClock, of ticket: Ticket) -> Bool {
        marks[RecordedOutcomes.key(ticket.source, ticket.id, clock.metric, clock.cycle)]
            == RecordedOutcomes.mark(clock.state, dueAt: clock.dueAt.map(epoch), fulfilledAt: clock.fulfilledAt.map(epoch))
    }

    // MARK: Digests

    static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// FNV-1a over the bytes of `ClockKey.make(TicketKey.make(source, id), metric, cycle)`.
    static func key(_ source: String, _ id: String, _ metric: Metric, _ cycle: Int) -> UInt64 {
        var hash = offset
        func add(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* prime }
        if !source.isEmpty {
            for byte in source.utf8 { add(byte) }
            add(UInt8(ascii: ":"))
        }
        for byte in id.utf8 { add(byte) }
        add(UInt8(ascii: "/"))
        for byte in metric.rawValue.utf8 { add(byte) }
        add(UInt8(ascii: "/"))
        if cycle < 0 { add(UInt8(ascii: "-")) }
        // The decimal digits, most significant first, with no string built.
        let value = cycle.magnitude
        var divisor: UInt = 1
        while value / divisor >= 10 { divisor *= 10 }
        repeat {
            add(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        } while divisor > 0
        return hash
    }

    static func mark(_ state: ClockState, dueAt: Int64?, fulfilledAt: Int64?) -> UInt64 {
        var hash = offset
        func add(_ value: UInt64) {
            var v = value
            for _ in 0..<8 {
                hash = (hash ^ (v & 0xff)) &* prime
                v >>= 8
            }
        }
        add(UInt64(state.index))
        add(UInt64(bitPattern: dueAt ?? .min))
        add(UInt64(bitPattern: fulfilledAt ?? .min))
        return hash
    }
}

extension ClockState {
    var index: Int {
        switch self {
        case .running: 0
        case .paused: 1
        case .met: 2
        case .breached: 3
        case .missed: 4
        }
    }
}
