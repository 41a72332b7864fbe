import Foundation
import Hummingbird
import SLAConfig
import SLAEngine
import StateStore
import Transport

/// `/api/v1/silences`: what `slawatch silence add|list|expire` calls.
///
/// - `POST` `{"match": {"group": "Billing", "priority": ["low", "normal"]}, "for": "2h",
///   "reason": "payments incident", "breaches": false, "by": "dana"}` records a silence
///   starting now and answers 201 `{"silence": {…}}`.
/// - `GET` answers `{"silences": [...]}`: those standing and those ended within the last
///   seven days, the latest started first.
/// - `DELETE /api/v1/silences/ID` ends it now: 200 `{"silence": {…}, "expired": true}`
///   (`false` when it had ended already), 404 for an unknown id.
extension APIRoutes {
    /// The longest reason kept.
    static let longestReason = 500

    func silences() async throws -> Response {
        let now = Date()
        let list = try await silenceLog.silences(endingAfter: now - Watcher.silenceMemory)
        return APIRoutes.json(.ok, ["silences": .array(list.map { APIRoutes.json($0, at: now) })])
    }

    func addSilence(_ request: Request) async throws -> Response {
        let body = try await object(request)
        let matchers = try APIRoutes.matchers(body["match"])
        guard let written = body["for"] as? String else {
            throw Refusal(status: .badRequest, message: "for is missing; give how long the silence lasts, such as 2h")
        }
        guard let seconds = WrittenDuration.seconds(written), seconds > 0, seconds <= ActionSettings.longestHold else {
            throw Refusal(status: .badRequest, message: "for \(written) is not a duration such as 30m, 2h or 1h30m (at most 30d)")
        }
        guard let given = body["reason"] as? String, let reason = APIRoutes.reason(given) else {
            throw Refusal(status: .badRequest, message: "reason is missing or not one line of text "
                + "(at most \(APIRoutes.longestReason) characters); say why the messages are muted")
        }
        var by: String?
        if let name = body["by"] {
            guard let text = name as? String, let valid = ActionDesk.name(text) else {
                throw Refusal(status: .badRequest, message: "by is not a name; give who sets the silence")
            }
            by = valid
        }
        var breaches = false
        if let flag = body["breaches"] {
            guard let value = flag as? Bool else {
                throw Refusal(status: .badRequest, message: "breaches is not true or false")
            }
            breaches = value
        }
        // Whole seconds, as the state keeps them.
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let silence = Silence(
            id: APIRoutes.newSilenceID(), matchers: matchers, mutesBreaches: breaches, reason: reason, createdBy: by,
            startsAt: start, endsAt: start + TimeInterval(seconds))
        try await silenceLog.recordSilence(silence)
        logger.info("silence added", metadata: [
            "silence": "\(silence.id)", "match": "\(silence.matcherPairs.joined(separator: ","))", "breaches": "\(breaches)",
            "until": "\(Timestamp(silence.endsAt))", "by": "\(by ?? "-")", "reason": "\(reason)",
        ])
        await silencesChanged()
        return APIRoutes.json(.created, ["silence": APIRoutes.json(silence, at: start)])
    }

    func expireSilence(_ id: String) async throws -> Response {
        let now = Date()
        guard let (silence, expired) = try await silenceLog.expireSilence(id: id, at: now) else {
            throw Refusal(status: .notFound, message: "no silence has the id \(id); slawatch silence list shows them")
        }
        if expired {
            logger.info("silence expired", metadata: ["silence": "\(silence.id)", "at": "\(Timestamp(silence.endsAt))"])
            // Catch-ups for the clocks it muted go out at once.
            await silencesChanged()
        }
        return APIRoutes.json(.ok, ["silence": APIRoutes.json(silence, at: now), "expired": .bool(expired)])
    }

    // MARK: Reading and writing

    /// `match`: a JSON object of ticket fields (those policies match on) to a value or a
    /// list of values; at least one.
    static func matchers(_ value: Any?) throws -> [TicketMatch.Field: [String]] {
        let fields = TicketMatch.Field.allCases.map(\.rawValue).joined(separator: ", ")
        guard let object = value as? [String: Any], !object.isEmpty else {
            throw Refusal(status: .badRequest, message: "match is missing; give at least one ticket field and value, such as "
                + "{\"group\": \"Billing\"} (fields: \(fields))")
        }
        var matchers: [TicketMatch.Field: [String]] = [:]
        for (key, given) in object {
            guard let field = TicketMatch.Field(rawValue: key) else {
                throw Refusal(status: .badRequest, message: "match: \(key) is not a ticket field; use one of \(fields)")
            }
            let values = (given as? String).map { [$0] } ?? (given as? [Any])?.compactMap { $0 as? String } ?? []
            let kept = values.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !kept.isEmpty, kept.count == ((given as? [Any])?.count ?? 1),
                  !kept.contains(where: { $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) else {
                throw Refusal(status: .badRequest, message: "match: \(key) needs a value or a list of values (text)")
            }
            // A priority no ticket can have would make a silence that never mutes anything.
            if field == .priority, let unknown = kept.first(where: { TicketPriority(rawValue: $0.lowercased()) == nil }) {
                throw Refusal(status: .badRequest, message: "match: priority \(unknown) is not a canonical priority; use "
                    + TicketPriority.allCases.map(\.rawValue).joined(separator: ", "))
            }
            matchers[field] = kept
        }
        return matchers
    }

    /// A reason fit to keep and show: one line, trimmed, not too long.
    static func reason(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= longestReason,
              !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        return trimmed
    }

    /// Twelve random hex digits: short enough to type, too many to guess.
    static func newSilenceID() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() & 0xFFFF_FFFF_FFFF
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 12 - hex.count) + hex
    }

    /// A silence as the API shows it.
    static func json(_ silence: Silence, at now: Date) -> JSONValue {
        var match = JSONObject()
        for (field, values) in silence.matchers.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            match[field.rawValue] = .array(values.map(JSONValue.string))
        }
        return [
            "id": .string(silence.id), "match": .object(match), "breaches": .bool(silence.mutesBreaches),
            "reason": .string(silence.reason), "created_by": silence.createdBy.map(JSONValue.string) ?? .null,
            "starts_at": .string(Timestamp(silence.startsAt).description), "ends_at": .string(Timestamp(silence.endsAt).description),
            "active": .bool(silence.isActive(at: now)),
        ]
    }
}
