import Foundation
import SLAEngine
import Transport

/// The conversation Zendesk's `reply_time` ticket metric events tell, gathered over one
/// read of the metric events export.
///
/// Each `instance_id` of `reply_time` is one reply owed: instance 1 runs from the ticket's
/// creation to the first public agent reply, each later instance from a customer's message
/// after a reply (its `activate`) to the next public agent reply (its `fulfill`). So:
///
/// | event | becomes |
/// |---|---|
/// | instance 1 `fulfill` | `first_response_at`, and an `agent_reply` (`public: true`) |
/// | instance 1 `activate` | nothing: it is the ticket's creation, which `created_at` holds, and an agent may have opened the ticket |
/// | instance ≥ 2 `activate` | a `customer_message` |
/// | instance ≥ 2 `fulfill` | an `agent_reply` (`public: true`) |
///
/// Other metrics and event types (`pause`, `apply_sla`, `breach`, `update_status`) are not
/// read. An instance's events are kept once, at their earliest time, so an export page read
/// twice changes nothing. A missing `instance_id` counts as 1.
struct ZendeskReplyHistory: Sendable {
    private struct Key: Hashable {
        var ticketID: String
        var instance: Int64
        var fulfilled: Bool
    }

    private var times: [Key: Date] = [:]

    /// Reads one metric event; anything but a `reply_time` `activate` or `fulfill` with a
    /// ticket and a readable time is passed over.
    mutating func read(_ event: JSONValue) {
        guard event["metric"]?.string == "reply_time", let type = event["type"]?.string,
              type == "activate" || type == "fulfill",
              let ticketID = event["ticket_id"]?.text, let at = event["time"].flatMap(VendorTime.parse)
        else { return }
        let key = Key(ticketID: ticketID, instance: event["instance_id"]?.int ?? 1, fulfilled: type == "fulfill")
        if key.instance == 1 && !key.fulfilled { return }
        if let known = times[key], known <= at { return }
        times[key] = at
    }

    /// Each ticket's first public agent reply (instance 1 fulfilled).
    var firstReplies: [String: Date] {
        var result: [String: Date] = [:]
        for (key, at) in times where key.instance == 1 && key.fulfilled { result[key.ticketID] = at }
        return result
    }

    /// Each ticket's customer messages and public agent replies, in time order.
    var conversations: [String: [TicketEvent]] {
        var result: [String: [TicketEvent]] = [:]
        for (key, at) in times {
            result[key.ticketID, default: []].append(TicketEvent(at: at, key.fulfilled ? .agentReply(isPublic: true) : .customerMessage))
        }
        return result.mapValues { IncrementalView.ordered(Set($0)) }
    }

    var isEmpty: Bool { times.isEmpty }
}
