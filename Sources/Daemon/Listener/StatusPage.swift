import Crypto
public import Foundation
import SLAEngine
import Transport

/// `GET /status`: the open clocks at risk, worst first, by team, each with a countdown
/// that runs in the browser, and the board refreshed every 30 seconds without a reload.
///
/// One page, no framework, no external asset: the script is inline and allowed by its
/// hash in the page's Content-Security-Policy, which allows nothing else to run.
public enum StatusPage {
    /// Where an acknowledge button of a clock posts to; nil shows no button.
    public typealias AcknowledgeLink = @Sendable (StatusBoard.Entry) -> String?

    /// The whole page.
    public static func render(_ board: StatusBoard, acknowledge: AcknowledgeLink? = nil) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="icon" href="data:,">
        <title>slawatch: clocks at risk</title>
        <style>\(style)</style>
        </head><body>
        <header><h1>Clocks at risk</h1>
        <p class="meta">Open clocks past half their target or due within the hour, worst first. \
        Countdowns run in real time to each due time; used is business time. \
        <span id="updated" data-now="\(milliseconds(board.at))">As of \(ReportText.time(board.at)).</span></p></header>
        \(board.note.map { "<p class=\"note\">\(escape($0))</p>" } ?? "")
        <main id="board">\(renderBoard(board, acknowledge: acknowledge))</main>
        <script>\(script)</script>
        </body></html>

        """
    }

    /// The board alone, which the page fetches (`/status?part=board`) to refresh itself.
    public static func renderBoard(_ board: StatusBoard, acknowledge: AcknowledgeLink? = nil) -> String {
        var html = "<p class=\"count\" data-now=\"\(milliseconds(board.at))\">\(board.entries.count) at risk of \(board.openClocks) open clocks</p>\n"
        if board.entries.isEmpty {
            return html + "<p class=\"calm\">Nothing at risk.</p>\n"
        }
        for (team, entries) in board.byTeam {
            html += "<section class=\"team\"><h2>\(escape(team))</h2>\n<table><thead><tr><th>Ticket</th><th>Subject</th>"
                + "<th>Clock</th><th>Priority</th><th>State</th><th class=\"n\">Used</th><th>Due (UTC)</th><th>Countdown</th>"
                + "<th>Next step</th>\(actionColumn(entries, acknowledge) ? "<th></th>" : "")</tr></thead><tbody>\n"
            for entry in entries {
                html += row(entry, at: board.at, acknowledge: acknowledge, actionColumn: actionColumn(entries, acknowledge))
            }
            html += "</tbody></table></section>\n"
        }
        return html
    }

    /// A last column for buttons or holds, when a row of the table has either.
    static func actionColumn(_ entries: [StatusBoard.Entry], _ acknowledge: AcknowledgeLink?) -> Bool {
        acknowledge != nil || entries.contains { $0.hold != nil }
    }

    static func row(_ entry: StatusBoard.Entry, at now: Date, acknowledge: AcknowledgeLink?, actionColumn: Bool) -> String {
        let clock = entry.clock, ticket = entry.ticket
        let level = clock.state == .breached ? "breached" : clock.state == .paused ? "paused"
            : clock.percent >= 90 ? "critical" : clock.percent >= 75 ? "warning" : "watch"
        let due = clock.state == .paused ? nil : clock.dueAt
        var id = escape(ticket.id)
        if let url = ticket.url, url.hasPrefix("https://") || url.hasPrefix("http://") { id = "<a href=\"\(escape(url))\">\(id)</a>" }
        let used = clock.percent > 999.9 ? ">999%" : String(format: "%.0f%%", clock.percent)
        let countdown = due.map { countdownText($0.timeIntervalSince(now)) } ?? "paused"
        let next = clock.nextStep.map { "\($0.label) → \($0.notify.joined(separator: ", "))" } ?? "-"
        var html = "<tr class=\"clock \(level)\" data-ticket=\"\(escape(ticket.key))\" data-due=\"\(due.map(milliseconds) ?? "")\">"
        html += "<td>\(id)</td><td class=\"subject\">\(escape(ticket.subject))</td>"
        // A group target names its group: the ticket's current group may be another.
        let group = clock.group.map { " (\(escape($0)))" } ?? ""
        html += "<td>\(escape(clock.metric.words))\(group)\(clock.cycle > 1 ? " #\(clock.cycle)" : "")</td>"
        html += "<td>\(ticket.priority.rawValue)</td><td><span class=\"badge\">\(clock.state.rawValue)</span></td>"
        html += "<td class=\"n\">\(used)</td><td>\(clock.dueAt.map { escape(shortTime($0)) } ?? "never")</td>"
        html += "<td class=\"countdown\">\(countdown)</td><td>\(escape(next))</td>"
        // Who holds the ladder, in place of the button: the clock itself keeps running.
        let held = entry.hold.map { hold in
            "<span class=\"held\">\(hold.kind == .ack ? "acknowledged" : "snoozed") by \(escape(hold.by)) until \(escape(shortTime(hold.until)))</span>"
        }
        if actionColumn {
            if let held {
                html += "<td>\(held)</td>"
            } else if let link = acknowledge?(entry) {
                // The link's page records the acknowledgement under the name given here.
                html += "<td><form class=\"ack\" method=\"post\" action=\"\(escape(link))\">"
                    + "<input name=\"by\" placeholder=\"your name\" required aria-label=\"acknowledged by\">"
                    + "<button type=\"submit\">Acknowledge</button></form></td>"
            } else {
                html += "<td></td>"
            }
        }
        return html + "</tr>\n"
    }

    /// `due in 1h 02m 05s` or `overdue by 3d 4h`, as the script writes it.
    static func countdownText(_ seconds: TimeInterval) -> String {
        let s = Int(abs(seconds).rounded(.down))
        let d = s / 86_400, h = s % 86_400 / 3600, m = s % 3600 / 60, r = s % 60
        let text = d > 0 ? "\(d)d \(h)h" : h > 0 ? "\(h)h \(pad(m))m \(pad(r))s" : "\(m)m \(pad(r))s"
        return seconds >= 0 ? "due in \(text)" : "overdue by \(text)"
    }

    private static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static func milliseconds(_ date: Date) -> String { String(Int64(date.timeIntervalSince1970 * 1000)) }

    static func shortTime(_ date: Date) -> String {
        let text = ReportText.time(date)
        return String(text.dropLast(4)).replacingOccurrences(of: "T", with: " ")
    }

    static func escape(_ text: String) -> String { ReportHTML.escape(text) }

    /// The page's headers: a policy that runs the inline script alone and lets forms post
    /// only here and to `formOrigin` (where action links point).
    public static func headers(formOrigin: String? = nil) -> [(name: String, value: String)] {
        [
            ("Content-Security-Policy",
             "default-src 'none'; script-src '\(scriptHash)'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; "
                + "form-action 'self'\(formOrigin.map { " " + $0 } ?? ""); frame-ancestors 'none'; base-uri 'none'"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
        ]
    }

    static let scriptHash = "sha256-" + Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString()

    /// Countdowns every second against the server's clock (the skew measured at each load),
    /// and the board fetched again every 30 seconds.
    static let script = """
        (function () {
          "use strict";
          var skew = 0;
          function measure(root) {
            var marker = root.querySelector("[data-now]");
            if (marker) { skew = Number(marker.getAttribute("data-now")) - Date.now(); }
          }
          function two(n) { return n < 10 ? "0" + n : String(n); }
          function text(ms) {
            var s = Math.floor(Math.abs(ms) / 1000);
            var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
            var t = d > 0 ? d + "d " + h + "h" : h > 0 ? h + "h " + two(m) + "m " + two(r) + "s" : m + "m " + two(r) + "s";
            return ms >= 0 ? "due in " + t : "overdue by " + t;
          }
          function tick() {
            var now = Date.now() + skew;
            var rows = document.querySelectorAll("tr.clock");
            for (var i = 0; i < rows.length; i++) {
              var due = rows[i].getAttribute("data-due");
              if (!due) { continue; }
              var cell = rows[i].querySelector(".countdown");
              if (cell) { cell.textContent = text(Number(due) - now); }
            }
          }
          function refresh() {
            var updated = document.getElementById("updated");
            fetch("status?part=board", { credentials: "same-origin", cache: "no-store" })
              .then(function (response) {
                if (!response.ok) { throw new Error("HTTP " + response.status); }
                return response.text();
              })
              .then(function (html) {
                var board = document.getElementById("board");
                board.innerHTML = html;
                measure(board);
                tick();
                updated.textContent = "Updated " + new Date().toLocaleTimeString() + ".";
              })
              .catch(function (error) { updated.textContent = "Could not refresh (" + error.message + "); trying again."; });
          }
          measure(document);
          tick();
          setInterval(tick, 1000);
          setInterval(refresh, 30000);
        })();
        """

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5rem;color:#1d2430}
        h1{font-size:1.4rem;margin:0}h2{font-size:1.05rem;margin:1.5rem 0 .4rem}
        .meta,.count{color:#5b6473;font-size:.85rem}.calm{font-size:1.1rem;color:#2e7d32}
        .note{background:#fff8e1;border-left:4px solid #f9a825;padding:.4rem .6rem;font-size:.9rem}
        table{border-collapse:collapse;width:100%;font-size:.9rem}
        th,td{border-bottom:1px solid #e3e7ec;padding:.3rem .5rem;text-align:left;vertical-align:top}
        th{background:#f3f5f8}.n{text-align:right;font-variant-numeric:tabular-nums}
        .countdown{font-variant-numeric:tabular-nums;white-space:nowrap}
        .subject{max-width:28rem}
        .badge{display:inline-block;padding:0 .4rem;border-radius:3px;font-size:.8rem}
        tr.breached td{background:#fdecea}tr.breached .badge{background:#c62828;color:#fff}
        tr.critical td{background:#fff3e0}tr.critical .badge{background:#ef6c00;color:#fff}
        tr.warning td{background:#fffde7}tr.warning .badge{background:#f9a825;color:#1d2430}
        form.ack{display:flex;gap:.3rem}.held{font-size:.85rem;color:#2e7d32}form.ack input{width:7rem}
        tr.watch .badge{background:#e3e7ec}tr.paused td{color:#5b6473}tr.paused .badge{background:#cfd8dc}
        """
}
