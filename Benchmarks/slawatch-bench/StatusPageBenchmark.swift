import Daemon
import Foundation
import SLAEngine

/// status-page: the board `GET /status` serves, with 2,000 open clocks at risk: the
/// evaluation of the tickets behind it and the rendering of the page, each the median of
/// several runs. With a path, the page is written there for a browser to time.
enum StatusPageBenchmark {
    static func run(clocks wanted: Int, writeTo path: String?) throws {
        // Synthetic tickets until there are enough open clocks at risk (most are, being
        // days old on an office calendar).
        var count = wanted
        var tickets = syntheticTickets(count: count, now: benchmarkNow)
        var board = StatusBoard(tickets: tickets, engine: engine, teams: teams, observed: { _ in [] }, at: benchmarkNow)
        while board.entries.count < wanted {
            count *= 2
            tickets = syntheticTickets(count: count, now: benchmarkNow)
            board = StatusBoard(tickets: tickets, engine: engine, teams: teams, observed: { _ in [] }, at: benchmarkNow)
        }
        // Exactly `wanted` tickets' worth of clocks: the first tickets whose clocks make the number.
        var kept: [Ticket] = []
        var listed = 0
        for ticket in tickets where listed < wanted {
            let one = StatusBoard(tickets: [ticket], engine: engine, teams: teams, observed: { _ in [] }, at: benchmarkNow)
            guard !one.entries.isEmpty, listed + one.entries.count <= wanted else { continue }
            kept.append(ticket)
            listed += one.entries.count
        }
        var evaluate: [Double] = [], render: [Double] = []
        var html = ""
        for _ in 0..<9 {
            let start = ContinuousClock.now
            board = StatusBoard(tickets: kept, engine: engine, teams: teams, observed: { _ in [] }, at: benchmarkNow)
            let evaluated = ContinuousClock.now
            html = StatusPage.render(board)
            let rendered = ContinuousClock.now
            evaluate.append((evaluated - start).seconds)
            render.append((rendered - evaluated).seconds)
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print(String(format: "status-page: %d open clocks at risk (%d tickets, %d teams): board %.1f ms, page %.1f ms, %.0f KiB",
                     board.entries.count, kept.count, board.byTeam.count, median(evaluate) * 1000, median(render) * 1000,
                     Double(html.utf8.count) / 1024))
        if let path { try html.write(toFile: path, atomically: true, encoding: .utf8) }
    }

    /// Three teams by customer tier and tag, as a configuration's `teams:` would give.
    static let teams = [
        Team(name: "enterprise", match: TicketMatch([.customerTier: ["enterprise"]]), roles: [.lead: ["leads"]]),
        Team(name: "security", match: TicketMatch([.tags: ["security"]]), roles: [.lead: ["leads"]]),
        Team(name: "default", roles: [.lead: ["leads"]]),
    ]
}
