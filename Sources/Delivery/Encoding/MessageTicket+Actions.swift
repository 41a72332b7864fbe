import SLAEngine

extension MessageTicket {
    /// The ticket's action links fit to be link targets, `Acknowledge` first; empty when
    /// the message carries none.
    var actionLinks: [(title: String, url: String)] {
        var links: [(title: String, url: String)] = []
        if let ack = ChatText.linkTarget(ackURL) { links.append(("Acknowledge", ack)) }
        if let snooze = ChatText.linkTarget(snoozeURL) { links.append(("Snooze", snooze)) }
        return links
    }
}
