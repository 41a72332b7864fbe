public import SLAEngine

/// Changes a ticket at its source: what an escalation may do besides notifying, such as
/// raising the priority of a ticket about to breach or tagging it.
///
/// Each call is one idempotent exchange (retried like a poll's requests); a failure is a
/// `SourceError` naming the source and host (`not_found` for an unknown ticket,
/// `authentication` for a token without write permission).
public protocol TicketWriter: Sendable {
    /// The source's name in the configuration.
    var name: String { get }
    /// Sets the ticket's priority to the vendor's value for `priority`.
    func setPriority(_ ticketID: String, _ priority: TicketPriority) async throws(SourceError)
    /// Adds `tag` to the ticket's tags, keeping the others; adding a tag it has is no change.
    func addTag(_ ticketID: String, _ tag: String) async throws(SourceError)
}
