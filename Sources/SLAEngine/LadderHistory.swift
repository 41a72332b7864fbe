/// What earlier ticks recorded of every clock's ladder (and every risk's series), kept
/// small: a large tick holds hundreds of thousands of records.
///
/// Clocks are found by a 64-bit digest of their key (`ClockKey.digest`), so no key is
/// kept; a clock's records sit in one flat store, linked in the order they were recorded,
/// and step and channel names are kept once each. A record takes 16 bytes, a clock 16 more
/// in the index. Two keys with one digest would share their records: with FNV-1a's 64 bits
/// that is about one chance in 10^7 for a million clocks, as for `RecordedOutcomes`.
public struct LadderHistory: Sendable {
    /// One record as stored: names by number, the next record of the same clock by position.
    struct Entry: Sendable {
        var step: UInt32
        /// `LadderHistory.none` for a skipped step.
        var channel: UInt32
        var next: UInt32
        var kind: Intent.Kind
        var isHeld: Bool
        var isSilenced: Bool
        /// Kept for every record, shown only while it is muted (`LadderRecord.role`).
        var role: Role?
    }

    /// The first and last record of one clock.
    struct Chain: Sendable {
        var first: UInt32
        var last: UInt32
    }

    static let none = UInt32.max

    private var chains: [UInt64: Chain] = [:]
    private var entries: [Entry] = []
    private var names: [String] = []
    private var nameIDs: [String: UInt32] = [:]

    public init() {}

    /// The records of each clock key, in order.
    public init(_ records: [String: [LadderRecord]]) {
        for (key, list) in records {
            for record in list { append(record, to: key) }
        }
    }

    /// How many clocks have a record.
    public var count: Int { chains.count }

    /// How many records there are across clocks.
    public var recordCount: Int { entries.count }

    public var isEmpty: Bool { chains.isEmpty }

    /// Room for `clocks` and `records` in all. The store grows by doubling when a few are
    /// added a tick: an exact reservation would copy it whole every time.
    public mutating func reserveCapacity(clocks: Int, records: Int) {
        chains.reserveCapacity(clocks)
        if records > entries.capacity { entries.reserveCapacity(max(records, entries.capacity * 2)) }
    }

    // MARK: Reading

    /// The records of the clock (or risk series) `clockKey`, in the order recorded.
    public func records(for clockKey: String) -> [LadderRecord] {
        records(digest: ClockKey.digest(of: clockKey))
    }

    /// The records of `metric`'s clock `cycle` of ticket `ticketKey`, found without building its key.
    public func records(ticketKey: String, metric: Metric, cycle: Int) -> [LadderRecord] {
        records(digest: ClockKey.digest(ticketKey, metric, cycle))
    }

    private func records(digest: UInt64) -> [LadderRecord] {
        guard let chain = chains[digest] else { return [] }
        var records: [LadderRecord] = []
        var position = chain.first
        while position != LadderHistory.none {
            let entry = entries[Int(position)]
            records.append(LadderRecord(
                step: names[Int(entry.step)], channel: entry.channel == LadderHistory.none ? nil : names[Int(entry.channel)],
                kind: entry.kind, isHeld: entry.isHeld, isSilenced: entry.isSilenced, role: entry.isSilenced ? entry.role : nil))
            position = entry.next
        }
        return records
    }

    // MARK: Recording

    /// Adds `record` after the clock's others, as read back from the store.
    public mutating func append(_ record: LadderRecord, to clockKey: String) {
        append(record, digest: ClockKey.digest(of: clockKey))
    }

    /// Adds `record` unless the clock already has one for its step and channel (an intent
    /// is recorded once: a second is ignored, as the store ignores its row).
    public mutating func record(_ record: LadderRecord, for clockKey: String) {
        let digest = ClockKey.digest(of: clockKey)
        guard position(of: digest, step: record.step, channel: record.channel) == nil else { return }
        append(record, digest: digest)
    }

    /// Changes the record of `step` and `channel` of the clock in place; false when there is none.
    @discardableResult
    public mutating func update(
        _ clockKey: String, step: String, channel: String?, _ change: (inout LadderRecord.Status) -> Void
    ) -> Bool {
        guard let position = position(of: ClockKey.digest(of: clockKey), step: step, channel: channel) else { return false }
        var status = LadderRecord.Status(
            kind: entries[position].kind, isHeld: entries[position].isHeld, isSilenced: entries[position].isSilenced)
        change(&status)
        entries[position].kind = status.kind
        entries[position].isHeld = status.isHeld
        entries[position].isSilenced = status.isSilenced
        return true
    }

    /// The clock key's records; nil when it has none.
    public subscript(clockKey: String) -> [LadderRecord]? {
        let records = records(for: clockKey)
        return records.isEmpty ? nil : records
    }

    private mutating func append(_ record: LadderRecord, digest: UInt64) {
        let position = UInt32(entries.count)
        let step = name(record.step)
        var channel = LadderHistory.none
        if let name = record.channel { channel = self.name(name) }
        entries.append(Entry(
            step: step, channel: channel, next: LadderHistory.none,
            kind: record.kind, isHeld: record.isHeld, isSilenced: record.isSilenced, role: record.role))
        if let chain = chains[digest] {
            entries[Int(chain.last)].next = position
            chains[digest]!.last = position
        } else {
            chains[digest] = Chain(first: position, last: position)
        }
    }

    private func position(of digest: UInt64, step: String, channel: String?) -> Int? {
        guard let chain = chains[digest], let stepID = nameIDs[step] else { return nil }
        let channelID: UInt32
        if let channel {
            guard let id = nameIDs[channel] else { return nil }
            channelID = id
        } else {
            channelID = LadderHistory.none
        }
        var position = chain.first
        while position != LadderHistory.none {
            let entry = entries[Int(position)]
            if entry.step == stepID && entry.channel == channelID { return Int(position) }
            position = entry.next
        }
        return nil
    }

    /// The number of `name`, added when new.
    private mutating func name(_ name: String) -> UInt32 {
        if let id = nameIDs[name] { return id }
        let id = UInt32(names.count)
        names.append(name)
        nameIDs[name] = id
        return id
    }
}

/// Equal when every clock has the same records in the same order, however they are stored.
extension LadderHistory: Equatable {
    public static func == (lhs: LadderHistory, rhs: LadderHistory) -> Bool {
        guard lhs.chains.count == rhs.chains.count else { return false }
        for digest in lhs.chains.keys {
            guard rhs.chains[digest] != nil, lhs.records(digest: digest) == rhs.records(digest: digest) else { return false }
        }
        return true
    }
}

extension LadderHistory: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, [LadderRecord])...) {
        self.init()
        for (key, records) in elements {
            for record in records { append(record, to: key) }
        }
    }
}

extension LadderRecord {
    /// What may change of a record once recorded.
    public struct Status: Sendable {
        public var kind: Intent.Kind
        public var isHeld: Bool
        public var isSilenced: Bool
    }
}
