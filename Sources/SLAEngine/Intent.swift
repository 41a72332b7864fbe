public import Foundation

/// Something a clock's ladder owes one channel: a step, an all-clear or a customer notice;
/// or a risk a ticket reached.
///
/// Intents are identified by their clock, their step and their channel, so a step
/// fires once per (ticket, metric, cycle, step) and channel, whatever happens to the
/// process in between. A risk's occurrences are the steps of its series
/// (`TICKET/risk/NAME`), so it fires once per (ticket, risk, occurrence) and channel.
public struct Intent: Sendable, Hashable {
    /// What the intent says.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A step before the due time.
        case warning
        /// The first step at or after the due time.
        case breach
        /// A `repeat` of a step after the due time.
        case `repeat`
        /// The clock was met or the ticket solved; sent to everyone who was pinged.
        case allClear = "all_clear"
        /// A delay notice to the customer.
        case customerNotice = "customer_notice"
        /// A risk the ticket reached (`risks:`): to the team, never to the customer.
        case risk
        /// A step no channel could be found for (or a withdrawn one, as read back from the
        /// store). Recorded so it is not tried again; nothing is sent.
        case skipped
        /// Someone acknowledged or snoozed the clock: channels already pinged hear who.
        case acknowledged
    }

    // Stored strings first, then the one-byte fields together: a large tick holds hundreds of
    // thousands of intents, and declared in this order an intent takes 128 bytes, not 208.

    /// The source's own id of the ticket.
    public var ticketID: String
    /// The ticket's source (see `Ticket.source`).
    public var source: String
    /// The step's `at` as written (`75%`), with `#N` for its N-th repeat; `all_clear` or
    /// `customer_notice` for those kinds; for a risk, the occurrence's number.
    public var step: String
    /// The channel to send to; nil for a skipped step.
    public var channel: String?
    /// The customer-notice template, for `customerNotice`.
    public var template: String?
    /// Why a step was skipped, for the log.
    public var reason: String?
    /// The clock's cycle; for a risk, the occurrence.
    public var cycle: Int
    /// Held by the channel's quiet hours until this instant; nil to send now.
    public var notBefore: Date?
    /// The clock's metric; nil for a risk (and only then: each initializer sets one of the two).
    public internal(set) var metric: Metric?
    /// The risk, for an intent about one (kind `risk`, or `skipped` when no channel was found).
    public internal(set) var risk: RiskKind?
    public var kind: Kind
    /// The role the channel was reached through; nil for a channel named directly.
    public var role: Role?
    /// True when the step crossed a while ago (the daemon was down, or the ticket was first
    /// seen past it) or stands in for earlier steps: the message says it is late.
    public var isLate: Bool
    /// The hold and silencing, which few intents have, kept apart.
    private var answered: Answered?

    /// The acknowledgement or snooze this intent is about: the hold an `acknowledged` note
    /// tells of, or the one that held this step back until it ended (the message says who
    /// answered and when). Worded in the tick that decides it; not kept in the store.
    public var hold: ClockHold? {
        get { answered?.hold }
        set { answered = Answered.make(hold: newValue, silencing: silencing) }
    }
    /// What a silence did to this intent: muted it (recorded as silenced, never sent), or,
    /// for the catch-up of a breached clock once the silence ended, that it ended. Nil for
    /// most intents.
    public var silencing: Silencing? {
        get { answered?.silencing }
        set { answered = Answered.make(hold: hold, silencing: newValue) }
    }

    /// An intent's hold and silencing, immutable and compared by value: set anew on change.
    private final class Answered: Sendable, Hashable {
        let hold: ClockHold?
        let silencing: Silencing?

        private init(hold: ClockHold?, silencing: Silencing?) {
            self.hold = hold
            self.silencing = silencing
        }

        /// Nil when there is neither.
        static func make(hold: ClockHold?, silencing: Silencing?) -> Answered? {
            hold == nil && silencing == nil ? nil : Answered(hold: hold, silencing: silencing)
        }

        static func == (a: Answered, b: Answered) -> Bool { a.hold == b.hold && a.silencing == b.silencing }

        func hash(into hasher: inout Hasher) {
            hasher.combine(hold)
            hasher.combine(silencing)
        }
    }

    /// True when a silence mutes the intent.
    public var isMuted: Bool { mutedBy != nil }

    /// The silence that mutes the intent, if one does.
    public var mutedBy: Silence? {
        if case .muted(let silence) = silencing { silence } else { nil }
    }

    public init(
        ticketID: String, source: String = "", metric: Metric, cycle: Int, step: String, kind: Kind, channel: String?,
        role: Role? = nil, isLate: Bool = false, notBefore: Date? = nil, template: String? = nil, reason: String? = nil
    ) {
        self.ticketID = ticketID
        self.source = source
        self.metric = metric
        self.cycle = cycle
        self.step = step
        self.kind = kind
        self.channel = channel
        self.role = role
        self.isLate = isLate
        self.notBefore = notBefore
        self.template = template
        self.reason = reason
    }

    /// An intent about occurrence `occurrence` of `risk`.
    public init(
        ticketID: String, source: String = "", risk: RiskKind, occurrence: Int, channel: String?, role: Role? = nil,
        isLate: Bool = false, notBefore: Date? = nil, reason: String? = nil
    ) {
        self.ticketID = ticketID
        self.source = source
        self.metric = nil
        self.risk = risk
        self.cycle = occurrence
        self.step = String(occurrence)
        self.kind = channel == nil ? .skipped : .risk
        self.channel = channel
        self.role = role
        self.isLate = isLate
        self.notBefore = notBefore
        self.reason = reason
    }

    /// `SOURCE:ID`: the ticket the intent is about.
    public var ticketKey: String { TicketKey.make(source, ticketID) }
    /// `ticket/metric/cycle`: the clock the intent belongs to; for a risk, its series
    /// `ticket/risk/NAME`.
    public var clockKey: String {
        if let risk { return RiskKey.series(ticketKey, risk) }
        return ClockKey.make(ticketKey, metric!, cycle)
    }
    /// `ticket/metric/cycle/step`: the idempotency key of the step, shared by its channels;
    /// for a risk, `ticket/risk/NAME/N`.
    public var stepKey: String {
        var key = clockKey
        key += "/"
        key += step
        return key
    }
    /// The step key and channel: unique per intent.
    public var id: String { Intent.id(clockKey: clockKey, step: step, channel: channel) }

    /// An intent's id from its clock key, for callers that hold the clock key already.
    public static func id(clockKey: String, step: String, channel: String?) -> String {
        var id = clockKey
        id += "/"
        id += step
        id += "@"
        id += channel ?? "-"
        return id
    }
    /// A step at or after the due time: never held by quiet hours.
    public var isUrgent: Bool { kind == .breach || kind == .repeat }
}

/// The key that names one ticket inside slawatch: `SOURCE:ID`, since two sources may
/// both have a ticket `1001`. A ticket read outside any source (`--tickets`) is keyed by
/// its id alone. Source names cannot hold `:` (the configuration refuses it), so the
/// first `:` always ends the source.
public enum TicketKey {
    public static func make(_ source: String, _ id: String) -> String {
        guard !source.isEmpty else { return id }
        var key = source
        key.reserveCapacity(source.utf8.count + id.utf8.count + 1)
        key += ":"
        key += id
        return key
    }

    /// The source and id a key was made of; a key without `:` is an id alone.
    public static func split(_ key: String) -> (source: String, id: String) {
        guard let colon = key.utf8.firstIndex(of: UInt8(ascii: ":")) else { return ("", key) }
        return (String(key[..<colon]), String(key[key.index(after: colon)...]))
    }
}

/// The key that names one clock across ticks and restarts.
public enum ClockKey {
    /// Built by appending: this runs for every clock of every tick. `ticketKey` is
    /// `TicketKey.make(source, id)`. The key takes exactly its own bytes: keys are held by
    /// the hundred thousand (ladder history, breaches), and spare capacity stays with them.
    public static func make(_ ticketKey: String, _ metric: Metric, _ cycle: Int) -> String {
        var key = ticketKey
        key.reserveCapacity(ticketKey.utf8.count + metric.rawValue.utf8.count + 2 + decimalDigits(cycle))
        key += "/"
        key += metric.rawValue
        key += "/"
        key += String(cycle)
        return key
    }

    /// The ticket key a clock key was made of: all before its metric and cycle (a ticket id
    /// may hold `/`, a metric and a cycle never do). Nil for a string no clock key has.
    public static func ticketKey(of clockKey: String) -> Substring? {
        guard let cycle = clockKey.lastIndex(of: "/"), let metric = clockKey[..<cycle].lastIndex(of: "/") else { return nil }
        return clockKey[..<metric]
    }

    /// A 64-bit digest (FNV-1a) of the bytes of `make(ticketKey, metric, cycle)`, computed
    /// without building the key; equal to `digest(of:)` of the key read back.
    ///
    /// For sets that only ask "is this clock on record": two keys with one digest make the
    /// second look recorded, about one chance in 10^7 for a million clocks.
    public static func digest(_ ticketKey: String, _ metric: Metric, _ cycle: Int) -> UInt64 {
        var digest = Digest()
        digest.add(ticketKey)
        return digest.clock(metric, cycle)
    }

    /// The digest of a clock key as stored.
    public static func digest(of clockKey: String) -> UInt64 {
        var digest = Digest()
        digest.add(clockKey)
        return digest.value
    }

    /// The number of bytes `String(value)` takes.
    static func decimalDigits(_ value: Int) -> Int {
        var count = value < 0 ? 2 : 1
        var rest = value.magnitude
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
    }

    /// FNV-1a over bytes given piece by piece.
    struct Digest {
        static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
        static let prime: UInt64 = 0x0000_0100_0000_01b3

        private(set) var value = Digest.offset

        mutating func add(_ byte: UInt8) { value = (value ^ UInt64(byte)) &* Digest.prime }

        mutating func add(_ text: String) {
            for byte in text.utf8 { add(byte) }
        }

        /// The decimal digits of `number`, most significant first, with no string built.
        mutating func add(_ number: Int) {
            if number < 0 { add(UInt8(ascii: "-")) }
            let magnitude = number.magnitude
            var divisor: UInt = 1
            while magnitude / divisor >= 10 { divisor *= 10 }
            repeat {
                add(UInt8(ascii: "0") + UInt8(magnitude / divisor % 10))
                divisor /= 10
            } while divisor > 0
        }

        /// The rest of a clock key after its ticket key (`/metric/cycle`), and the digest.
        mutating func clock(_ metric: Metric, _ cycle: Int) -> UInt64 {
            add(UInt8(ascii: "/"))
            add(metric.rawValue)
            add(UInt8(ascii: "/"))
            add(cycle)
            return value
        }
    }
}

/// What earlier ticks recorded for one clock: which steps fired and to whom.
public struct LadderRecord: Sendable, Hashable {
    /// As in `Intent.step`.
    public var step: String
    /// Nil for a skipped step.
    public var channel: String?
    public var kind: Intent.Kind
    /// Still waiting for its channel's quiet hours to end.
    public var isHeld: Bool
    /// Muted by a silence: it counts as fired, but nobody was told.
    public var isSilenced: Bool
    /// The role the channel was reached through, for a muted step's catch-up.
    public var role: Role?

    public init(step: String, channel: String?, kind: Intent.Kind, isHeld: Bool = false, isSilenced: Bool = false, role: Role? = nil) {
        self.step = step
        self.channel = channel
        self.kind = kind
        self.isHeld = isHeld
        self.isSilenced = isSilenced
        self.role = role
    }
}

/// A clock that went past its due time: counted per customer for repeated breaches.
public struct BreachRecord: Sendable, Hashable {
    /// `SOURCE:ID` (`Ticket.key`).
    public var ticketKey: String
    public var customerID: String
    public var metric: Metric
    public var cycle: Int
    /// The due time that was missed.
    public var at: Date

    public init(ticketKey: String, customerID: String, metric: Metric, cycle: Int, at: Date) {
        self.ticketKey = ticketKey
        self.customerID = customerID
        self.metric = metric
        self.cycle = cycle
        self.at = at
    }
}
