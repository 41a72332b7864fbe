import Foundation
import SLAEngine

/// What one poll of a source changed, worked out apart from where the state is kept: the
/// snapshots to write and the transitions to record. SQLite and PostgreSQL store it each
/// in their own way.
///
/// The first group change of a ticket also records the group it left, at the ticket's
/// creation: a ticket without group events has been in its group since creation, and it
/// still has after it moves, so a `group_response` cycle timed before the move keeps its
/// place (and its number) after it.
struct TicketObservation {
    /// One transition to record, in the order recorded.
    struct Move {
        /// The ticket key (`SOURCE:ID`).
        var ticket: String
        var at: Int64
        var kind: String
        var value: String?
    }

    /// New and changed snapshots, by ticket key.
    var changed: [(key: String, snapshot: StateStore.Snapshot)] = []
    var moves: [Move] = []

    /// Compares `tickets` with `snapshots` (the source's, by the source's own id) at `now`,
    /// updating it and `transitions` (by ticket key) in place.
    init(
        _ tickets: [Ticket], at now: Int64, snapshots: inout [String: StateStore.Snapshot], transitions: inout [String: [TicketEvent]]
    ) {
        // A first poll of a large source grows the table once, not by doubling.
        if snapshots.count < tickets.count { snapshots.reserveCapacity(snapshots.count + tickets.count) }
        for ticket in tickets {
            let seen = StateStore.Snapshot(status: ticket.status, priority: ticket.priority, assignee: ticket.assignee, group: ticket.group)
            let old = snapshots.updateValue(seen, forKey: ticket.id)
            guard old != seen else { continue }
            let key = ticket.key
            changed.append((key, seen))
            guard let old else { continue }
            let changes: [(String, String?, String?)] = [
                ("status", old.status.rawValue, seen.status.rawValue), ("priority", old.priority.rawValue, seen.priority.rawValue),
                ("assignee", old.assignee, seen.assignee), ("group", old.group, seen.group),
            ]
            for (kind, before, after) in changes where before != after {
                if kind == "group", let before, !(transitions[key] ?? []).contains(where: \.isGroupChange) {
                    let created = min(Int64(ticket.createdAt.timeIntervalSince1970.rounded(.down)), now)
                    moves.append(Move(ticket: key, at: created, kind: kind, value: before))
                    transitions[key, default: []].insert(TicketEvent(at: Date(timeIntervalSince1970: TimeInterval(created)), .group(before)), at: 0)
                }
                moves.append(Move(ticket: key, at: now, kind: kind, value: after))
                if let event = TicketObservation.event(at: now, kind: kind, value: after) { transitions[key, default: []].append(event) }
            }
        }
    }

    /// The recorded transitions of `tickets`, by ticket key.
    static func history(of tickets: [Ticket], in transitions: [String: [TicketEvent]]) -> [String: [TicketEvent]] {
        var history: [String: [TicketEvent]] = [:]
        for ticket in tickets {
            let key = ticket.key
            if let events = transitions[key] { history[key] = events }
        }
        return history
    }

    /// A recorded transition as the event it stands for; nil for a kind this version does not know.
    static func event(at seconds: Int64, kind: String, value: String?) -> TicketEvent? {
        let at = Date(timeIntervalSince1970: TimeInterval(seconds))
        switch kind {
        case "status": return value.flatMap(TicketStatus.init(rawValue:)).map { TicketEvent(at: at, .status($0)) }
        case "priority": return value.flatMap(TicketPriority.init(rawValue:)).map { TicketEvent(at: at, .priority($0)) }
        case "assignee": return TicketEvent(at: at, .assignee(value))
        case "group": return TicketEvent(at: at, .group(value))
        default: return nil
        }
    }
}
