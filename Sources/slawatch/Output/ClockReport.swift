import Foundation
import Daemon
import SLAEngine
import Transport

/// The `evaluate` contract (DESIGN.md): clocks as JSON in the documented shape, or a table.
enum ClockReport {
    /// Writes `{"at": …, "clocks": [...], "risks": [...]}`, two-space indented, with every
    /// key of the contract in its order, handing the bytes to `send` as they are ready: the
    /// tickets are evaluated and written in parts on every core (the engine is pure), and
    /// the parts sent in ticket order, so the output is what one pass over the tickets would
    /// print. Risks, far fewer than clocks, are kept per part until the clocks are written.
    static func json(
        _ tickets: [Ticket], engine: SLAEngine, at now: Date, partSize: Int = 1024, send: ([UInt8]) throws -> Void
    ) async throws {
        var writer = JSONWriter(pretty: true)
        writer.beginObject()
        writer.key("at")
        writer.string(Timestamp(now).description)
        writer.key("clocks")
        writer.beginArray()
        let entries = writer.nested()
        let parts = (tickets.count + partSize - 1) / partSize
        // A few parts ahead of the one being sent, so memory stays bounded.
        let ahead = 2 * ProcessInfo.processInfo.activeProcessorCount
        var risks: [Int: JSONWriter] = [:]
        try await withThrowingTaskGroup(of: (Int, JSONWriter, JSONWriter).self) { group in
            var started = 0, sent = 0
            var done: [Int: JSONWriter] = [:]
            func start(_ group: inout ThrowingTaskGroup<(Int, JSONWriter, JSONWriter), any Error>) {
                guard started < parts else { return }
                let part = started
                started += 1
                group.addTask {
                    var out = entries
                    var risks = entries
                    out.reserveCapacity(partSize * 512)
                    for ticket in tickets[(part * partSize)..<min(tickets.count, (part + 1) * partSize)] {
                        let clocks = engine.clocks(for: ticket, at: now)
                        for clock in clocks { write(clock, to: &out) }
                        for risk in engine.risks(for: ticket, clocks: clocks, at: now) { write(risk, to: &risks) }
                    }
                    return (part, out, risks)
                }
            }
            for _ in 0..<ahead { start(&group) }
            while let (part, out, found) = try await group.next() {
                done[part] = out
                risks[part] = found
                while let next = done.removeValue(forKey: sent) {
                    let entries = writer.place(next)
                    try send(writer.take())
                    try send(entries)
                    sent += 1
                    start(&group)
                }
            }
        }
        writer.endArray()
        writer.key("risks")
        writer.beginArray()
        for part in risks.keys.sorted() {
            let entries = writer.place(risks[part]!)
            try send(writer.take())
            try send(entries)
        }
        writer.endArray()
        writer.endObject()
        try send(writer.take() + [UInt8(ascii: "\n")])
    }

    /// One risk occurrence as the next entry of `writer`: `{"ticket", "source" (for a
    /// ticket of a configured source), "risk", "occurrence", "since", "detail"}`.
    static func write(_ risk: RiskOccurrence, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("ticket"); writer.string(risk.ticketID)
        if !risk.source.isEmpty { writer.key("source"); writer.string(risk.source) }
        writer.key("risk"); writer.string(risk.risk.rawValue)
        writer.key("occurrence"); writer.int(risk.occurrence)
        writer.key("since"); writer.string(Timestamp(risk.since).description)
        writer.key("detail"); writer.string(risk.detail)
        writer.endObject()
    }

    /// One clock as the next entry of `writer` (`ClockJSON`, which the listener's API shares).
    static func write(_ clock: SLAClock, to writer: inout JSONWriter) {
        ClockJSON.write(clock, to: &writer)
    }

    /// A fixed-width table for people: one row per clock, times in UTC; remaining and used
    /// time are business time on each clock's calendar, and a share of the target past
    /// 999% reads `>999%`.
    static func table(_ clocks: [SLAClock], at now: Date) -> String {
        // A source column only when tickets came from configured sources.
        let sourced = clocks.contains { !$0.source.isEmpty }
        let header = (sourced ? ["SOURCE"] : []) + ["TICKET", "METRIC", "CYCLE", "POLICY", "STATE", "DUE (UTC)", "REMAINING (BUSINESS)", "USED OF TARGET", "NEXT STEP"]
        let rows = clocks.map { clock -> [String] in
            (sourced ? [clock.source] : []) + [
                clock.ticketID, clock.metric.rawValue, String(clock.cycle), clock.policy, clock.state.rawValue,
                clock.dueAt.map(shortUTC) ?? "never", DurationText.compact(clock.remainingSeconds),
                clock.percent > 999.9 ? ">999%" : String(format: "%.1f%%", clock.percent),
                clock.nextStep.map { "\($0.label) at \($0.at.map(shortUTC) ?? "never") → \($0.step.notify.joined(separator: ","))" } ?? "-",
            ]
        }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i + 1 == cells.count ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        var out = ["Clocks at \(Timestamp(now).description)", line(header)]
        out += rows.map(line)
        if rows.isEmpty { out.append("(no clocks)") }
        if !rows.isEmpty { out.append("REMAINING and USED count business time, inside each clock's calendar's open hours.") }
        return out.joined(separator: "\n")
    }

    /// The risks tickets carry, one row per occurrence.
    static func table(_ risks: [RiskOccurrence]) -> String {
        let header = ["TICKET", "RISK", "N", "SINCE (UTC)", "WHY"]
        let rows = risks.map { risk in
            [TicketKey.make(risk.source, risk.ticketID), risk.risk.rawValue, String(risk.occurrence), shortUTC(risk.since), risk.detail]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i + 1 == cells.count ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return (["Risks", line(header)] + rows.map(line) + (rows.isEmpty ? ["(no risks)"] : [])).joined(separator: "\n")
    }

    private static func shortUTC(_ date: Date) -> String {
        let text = Timestamp(date).description
        return String(text.dropLast(4)).replacingOccurrences(of: "T", with: " ")
    }
}
