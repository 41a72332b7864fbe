import Delivery
import Foundation
import Hummingbird
import SLAEngine

/// The small HTML pages of the action links: no scripts, no outside resources, every
/// value escaped.
enum Page {
    static func html(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                      .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
                      .init("Referrer-Policy")!: "no-referrer", .init("X-Frame-Options")!: "DENY"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func escape(_ text: String) -> String { HTML.escaped(text) }

    static func document(title: String, _ body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>\(escape(title))</title>
        <style>body{font-family:sans-serif;max-width:36em;margin:2em auto;padding:0 1em}label{display:block;margin:.6em 0}</style>
        </head><body>
        <h1>\(escape(title))</h1>
        \(body)
        </body></html>

        """
    }

    static func message(title: String, _ text: String) -> String {
        document(title: title, "<p>\(escape(text))</p>")
    }

    /// The page a link opens: the ticket, the clock, who is asked, and the form that acts.
    static func form(token: ActionToken, ticket: Ticket?, standing: ClockHold?, defaultFor: Int) -> String {
        let verb = token.action == .ack ? "Acknowledge" : "Snooze"
        var body = "<p>Ticket <strong>\(escape(token.ticketID))</strong>"
        if let ticket, !ticket.subject.isEmpty { body += " “\(escape(ticket.subject))”" }
        if !token.source.isEmpty { body += " from source \(escape(token.source))" }
        body += ": its \(escape(token.metric.words))\(token.cycle > 1 ? " (cycle \(token.cycle))" : "") clock.</p>\n"
        if let ticket {
            var facts = ["priority \(ticket.priority.rawValue)", "status \(ticket.status.rawValue)"]
            if let group = ticket.group { facts.append("group \(group)") }
            if let assignee = ticket.assignee { facts.append("assignee \(assignee)") }
            body += "<p>\(escape(facts.joined(separator: ", ").capitalizedFirst)).</p>\n"
        }
        body += token.action == .ack
            ? "<p>The ladder asks: who has this ticket? Acknowledging says it is yours: later steps of this clock are held "
                + "(nobody higher up is pinged) for the time you give, or until it is met. The SLA clock keeps running.</p>\n"
            : "<p>Snoozing holds later steps of this clock for the time you give; it does not say the ticket is yours.</p>\n"
        if let standing {
            body += "<p><strong>Already \(standing.verb) by \(escape(standing.by)) at \(Timestamp(standing.at))</strong>, "
                + "held until \(Timestamp(standing.until)).</p>\n"
        }
        body += """
            <form method="post">
            <label>Your name <input name="by" required maxlength="\(ActionDesk.maxNameLength)" autocomplete="name"></label>
            <label>For <input name="for" placeholder="\(DurationText.compact(defaultFor))" pattern="[0-9dhms]+"> (default \(DurationText.compact(defaultFor)))</label>
            <button type="submit">\(verb)</button>
            </form>
            """
        return document(title: "\(verb) \(token.ticketID)", body)
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

extension DurationText {
    /// `4h`, `1h30m`, `45m`: a duration as a form takes it.
    static func compact(_ seconds: Int) -> String {
        var parts: [String] = []
        var rest = seconds
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            parts.append("\(rest / size)\(unit)")
            rest %= size
        }
        return parts.isEmpty ? "0s" : parts.joined()
    }
}
