public import Foundation
import GRDB
public import SLAEngine

/// Where silences are kept: the listener's API records and expires them, each tick reads
/// the ones that matter (standing, or ended lately, for the catch-ups).
public protocol SilenceLog: Sendable {
    /// Records a new silence.
    func recordSilence(_ silence: Silence) async throws(StateStoreError)
    /// Every silence that ends after `instant` (standing ones, and those that ended since),
    /// the latest started first.
    func silences(endingAfter instant: Date) async throws(StateStoreError) -> [Silence]
    /// Ends silence `id` at `now` unless it has ended already. Returns the silence as it
    /// stands afterwards and whether this call ended it; nil when no silence has that id.
    func expireSilence(id: String, at now: Date) async throws(StateStoreError) -> (silence: Silence, expired: Bool)?
    /// How many messages each silence muted in [since, until), by the recorded reason
    /// (`silence ID: REASON`), most first.
    func silencedMessages(since: Date, until: Date) async throws(StateStoreError) -> [(reason: String, count: Int)]
}

extension StateStore: SilenceLog {
    public func recordSilence(_ silence: Silence) throws(StateStoreError) {
        let matchers = StateStore.matchersText(silence.matchers)
        try write { db in
            try db.execute(sql: """
                INSERT INTO silence (id, matchers, breaches, reason, created_by, starts_at, ends_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    silence.id, matchers, silence.mutesBreaches, silence.reason, silence.createdBy,
                    Int64(silence.startsAt.timeIntervalSince1970), Int64(silence.endsAt.timeIntervalSince1970.rounded(.up)),
                ])
        }
    }

    public func silences(endingAfter instant: Date) throws(StateStoreError) -> [Silence] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM silence WHERE ends_at > ? ORDER BY starts_at DESC, id", arguments: [
                Int64(instant.timeIntervalSince1970.rounded(.down)),
            ]).compactMap(StateStore.silence)
        }
    }

    public func expireSilence(id: String, at now: Date) throws(StateStoreError) -> (silence: Silence, expired: Bool)? {
        let end = Int64(now.timeIntervalSince1970.rounded(.down))
        return try write { db in
            try db.execute(sql: "UPDATE silence SET ends_at = ? WHERE id = ? AND ends_at > ?", arguments: [end, id, end])
            let expired = db.changesCount == 1
            return try Row.fetchOne(db, sql: "SELECT * FROM silence WHERE id = ?", arguments: [id])
                .flatMap(StateStore.silence).map { ($0, expired) }
        }
    }

    public func silencedMessages(since: Date, until: Date) throws(StateStoreError) -> [(reason: String, count: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT reason, count(*) AS n FROM intent WHERE status = 'silenced' AND created_at >= ? AND created_at < ?
                GROUP BY reason ORDER BY n DESC, reason
                """, arguments: [Int64(since.timeIntervalSince1970.rounded(.down)), Int64(until.timeIntervalSince1970.rounded(.up))])
                .map { (($0["reason"] as String?) ?? "silence", $0["n"]) }
        }
    }

    /// `{"group":["Billing"],"priority":["low"]}`: the matchers as given, in a stable order.
    static func matchersText(_ matchers: [TicketMatch.Field: [String]]) -> String {
        let object = Dictionary(uniqueKeysWithValues: matchers.map { ($0.key.rawValue, $0.value) })
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The matchers `matchersText` wrote; nil for a field this slawatch does not know.
    static func matchers(_ text: String) -> [TicketMatch.Field: [String]]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String]] else { return nil }
        var matchers: [TicketMatch.Field: [String]] = [:]
        for (key, values) in object {
            guard let field = TicketMatch.Field(rawValue: key) else { return nil }
            matchers[field] = values
        }
        return matchers
    }

    private static func silence(_ row: Row) -> Silence? {
        guard let matchers = matchers(row["matchers"]) else { return nil }
        return Silence(
            id: row["id"], matchers: matchers, mutesBreaches: row["breaches"], reason: row["reason"], createdBy: row["created_by"],
            startsAt: Date(timeIntervalSince1970: TimeInterval(row["starts_at"] as Int64)),
            endsAt: Date(timeIntervalSince1970: TimeInterval(row["ends_at"] as Int64)))
    }
}
