import Foundation

/// A ticket's history up to an evaluation instant, in epoch seconds, in the shape the
/// clocks need: status spells and the conversation.
struct TicketTimeline {
    /// Status changes in time order; the first is the status at creation.
    var statuses: [(at: Int64, status: TicketStatus)]
    /// Customer messages and public agent replies, in time order.
    var conversation: [(at: Int64, fromCustomer: Bool)]
    /// The first public agent reply, from `first_response_at` or the events.
    var firstReply: Int64?
    /// The instant the current status was assumed to begin, when no event recorded it.
    var assumedStatusChange: Int64?
    /// Collected only when asked for (`handoffs: true`), for group targets and risks:
    /// the group in force from each instant (the first entry at creation; nil while unknown),
    /// every agent reply (private notes included), and every assignee or group change.
    var groups: [(at: Int64, group: String?)] = []
    var agentReplies: [Int64] = []
    var handoffs: [(at: Int64, isGroup: Bool)] = []
    let created: Int64
    let now: Int64

    init(ticket: Ticket, observed: [TicketEvent], now: Int64, handoffs collectHandoffs: Bool = false) {
        self.now = now
        created = epoch(ticket.createdAt)
        var events = ticket.events
        if !observed.isEmpty { events += observed }
        // Status changes apply before messages at the same instant (a reopening message).
        // Sources mostly send history in order; sort (stably) only when it is not.
        let inOrder = zip(events, events.dropFirst()).allSatisfy { a, b in
            let ta = epoch(a.at), tb = epoch(b.at)
            return ta < tb || (ta == tb && (a.isStatus || !b.isStatus))
        }
        if !inOrder {
            events = events.enumerated().sorted { a, b in
                let ta = epoch(a.element.at), tb = epoch(b.element.at)
                if ta != tb { return ta < tb }
                let sa = a.element.isStatus, sb = b.element.isStatus
                if sa != sb { return sa }
                return a.offset < b.offset
            }.map(\.element)
        }
        let ordered = events
        statuses = [(created, .new)]
        conversation = []
        if collectHandoffs {
            // The group before the first recorded change is unknown, unless nothing recorded
            // one: then the snapshot's group has held since creation.
            let recordsGroups = ordered.contains { if case .group = $0.kind { return true } else { return false } }
            groups = [(created, recordsGroups ? nil : ticket.group)]
        }
        var firstReplyEvent: Int64?
        for event in ordered {
            let t = max(epoch(event.at), created)
            guard t <= now else { break }
            switch event.kind {
            case .status(let status):
                if statuses.last!.status != status {
                    if statuses.count == 1 && t == created { statuses[0].status = status } else { statuses.append((t, status)) }
                }
            case .customerMessage:
                conversation.append((t, true))
            case .agentReply(let isPublic):
                if collectHandoffs { agentReplies.append(t) }
                guard isPublic else { continue }
                conversation.append((t, false))
                if firstReplyEvent == nil { firstReplyEvent = t }
            case .group(let group):
                guard collectHandoffs else { continue }
                handoffs.append((t, true))
                if groups.count == 1 && t == created { groups[0].group = group } else { groups.append((t, group)) }
            case .assignee:
                if collectHandoffs { handoffs.append((t, false)) }
            case .priority:
                break
            }
        }
        if let given = ticket.firstResponseAt.map(epoch), given <= now {
            firstReply = given
        } else {
            firstReply = firstReplyEvent
        }
        // The snapshot's status is the latest word; place an unrecorded change where the data
        // last moved (never before the last recorded event, so a replay of the past is not
        // rewritten by today's status).
        if statuses.last!.status != ticket.status {
            let lastEvent = ordered.last.map { max(epoch($0.at), created) }
            let guess = (ticket.status.isSolved ? ticket.solvedAt : nil).map(epoch)
                ?? ticket.updatedAt.map(epoch) ?? lastEvent ?? created
            let t = max(guess, statuses.last!.at, lastEvent ?? created)
            if t <= now {
                assumedStatusChange = t
                if statuses.count == 1 && t == created { statuses[0].status = ticket.status } else { statuses.append((t, ticket.status)) }
            }
        }
    }

    /// The status in force at the evaluation instant.
    var currentStatus: TicketStatus { statuses.last!.status }

    /// When the ticket was first solved or closed, if ever.
    var firstSolve: Int64? {
        statuses.first(where: { $0.status.isSolved })?.at
    }

    /// When the current solved spell began, if the ticket is solved or closed now.
    var currentSolve: Int64? {
        guard currentStatus.isSolved else { return nil }
        var start = statuses.count - 1
        while start > 0 && statuses[start - 1].status.isSolved { start -= 1 }
        return statuses[start].at
    }
}

extension TicketEvent {
    var isStatus: Bool {
        if case .status = kind { return true }
        return false
    }
}

@inline(__always)
func epoch(_ date: Date) -> Int64 {
    Int64(date.timeIntervalSince1970.rounded(.down))
}

@inline(__always)
func date(_ epoch: Int64) -> Date {
    Date(timeIntervalSince1970: TimeInterval(epoch))
}
