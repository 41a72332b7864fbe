public import Foundation

/// "We know, stop": mutes the team messages about matching tickets for a while, with a
/// reason. A muted message is recorded as silenced and never sent; customer notices are
/// never muted.
///
/// Without `mutesBreaches` only what comes before the due time is muted (warnings, and
/// risks, which go to the team like warnings); with it, breach pings and their repeats
/// too. When a silence ends (its time runs out, or it is expired), a clock still breached
/// whose latest news was muted gets one catch-up message (`Escalator`).
///
/// A class, immutable: every intent it mutes points at the one instance, so a large
/// tick's intents stay small.
public final class Silence: Sendable, Hashable, CustomStringConvertible {
    /// A short random id, as `slawatch silence add` prints it.
    public let id: String
    /// The conditions as given, by field: every field must hold, a field holds when the
    /// ticket has any of its values (tags: carries any of them), case-insensitively.
    public let matchers: [TicketMatch.Field: [String]]
    /// The same, as a match.
    public let match: TicketMatch
    /// True when breach pings (and their repeats) are muted too.
    public let mutesBreaches: Bool
    /// Why, as given.
    public let reason: String
    /// Who set it, when known.
    public let createdBy: String?
    public let startsAt: Date
    /// When it ends (or ended: an expired silence ends when it was expired).
    public let endsAt: Date

    public init(
        id: String, matchers: [TicketMatch.Field: [String]], mutesBreaches: Bool, reason: String, createdBy: String?,
        startsAt: Date, endsAt: Date
    ) {
        self.id = id
        self.matchers = matchers
        match = TicketMatch(matchers)
        self.mutesBreaches = mutesBreaches
        self.reason = reason
        self.createdBy = createdBy
        self.startsAt = startsAt
        self.endsAt = endsAt
    }

    /// True while it stands at `now`.
    public func isActive(at now: Date) -> Bool { startsAt <= now && now < endsAt }

    /// True when it mutes intents of `kind`: warnings and risks always, breaches and repeats
    /// with `mutesBreaches`; never customer notices, all-clears or acknowledgement notes.
    public func mutes(_ kind: Intent.Kind) -> Bool {
        switch kind {
        case .warning, .risk: true
        case .breach, .repeat: mutesBreaches
        case .customerNotice, .allClear, .acknowledged, .skipped: false
        }
    }

    /// The matchers as `field=value` pairs, sorted: how people wrote them.
    public var matcherPairs: [String] {
        matchers.sorted { $0.key.rawValue < $1.key.rawValue }.flatMap { field, values in values.map { "\(field.rawValue)=\($0)" } }
    }

    public var description: String { "silence \(id) (\(matcherPairs.joined(separator: ", ")))" }

    public static func == (lhs: Silence, rhs: Silence) -> Bool {
        lhs.id == rhs.id && lhs.matchers == rhs.matchers && lhs.mutesBreaches == rhs.mutesBreaches && lhs.reason == rhs.reason
            && lhs.createdBy == rhs.createdBy && lhs.startsAt == rhs.startsAt && lhs.endsAt == rhs.endsAt
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(endsAt)
    }

    /// The first of `silences` that mutes an intent of `kind` about `ticket` at `now`.
    public static func muting(_ kind: Intent.Kind, of ticket: Ticket, among silences: [Silence], at now: Date) -> Silence? {
        guard !silences.isEmpty else { return nil }
        return silences.first { $0.mutes(kind) && $0.isActive(at: now) && $0.match.holds(for: ticket) }
    }
}

/// What a silence did to an intent.
public enum Silencing: Sendable, Hashable {
    /// Muted: recorded as silenced, never sent.
    case muted(Silence)
    /// The one catch-up a breached clock gets when the silence that muted its news ends;
    /// the silence when it is still known.
    case ended(Silence?)
}
