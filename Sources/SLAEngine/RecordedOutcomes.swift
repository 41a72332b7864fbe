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
        marks[ClockKey.digest(of: clockKey)] = RecordedOutcomes.mark(state, dueAt: dueAt, fulfilledAt: fulfilledAt)
    }

    /// True when `clock` of `ticket` is on record as it stands.
    public func holds(_ clock: SLAClock, of ticket: Ticket) -> Bool {
        marks[RecordedOutcomes.key(ticket.source, ticket.id, clock.metric, clock.cycle)]
            == RecordedOutcomes.mark(clock.state, dueAt: clock.dueAt.map(epoch), fulfilledAt: clock.fulfilledAt.map(epoch))
    }

    // MARK: Digests

    /// The digest of `ClockKey.make(TicketKey.make(source, id), metric, cycle)`.
    static func key(_ source: String, _ id: String, _ metric: Metric, _ cycle: Int) -> UInt64 {
        var digest = ClockKey.Digest()
        if !source.isEmpty {
            digest.add(source)
            digest.add(UInt8(ascii: ":"))
        }
        digest.add(id)
        return digest.clock(metric, cycle)
    }

    static func mark(_ state: ClockState, dueAt: Int64?, fulfilledAt: Int64?) -> UInt64 {
        var digest = ClockKey.Digest()
        func add(_ value: UInt64) {
            var v = value
            for _ in 0..<8 {
                digest.add(UInt8(v & 0xff))
                v >>= 8
            }
        }
        add(UInt64(state.index))
        add(UInt64(bitPattern: dueAt ?? .min))
        add(UInt64(bitPattern: fulfilledAt ?? .min))
        return digest.value
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
