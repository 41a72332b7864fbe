import Foundation
import Daemon
import SLAEngine
import Transport

/// The `evaluate` contract (DESIGN.md): clocks as JSON in the documented shape, or a table.
enum ClockReport {
    /// `{"at": …, "clocks": [...]}` with every key of the contract, in its order.
    static func json(_ clocks: [SLAClock], at now: Date) -> JSONValue {
        .object([
            ("at", .string(Timestamp(now).description)),
            ("clocks", .array(clocks.map(json))),
        ])
    }

    static func json(_ clock: SLAClock) -> JSONValue {
        .object([
            ("ticket", .string(clock.ticketID)),
            ("metric", .string(clock.metric.rawValue)),
            ("cycle", .int(clock.cycle)),
            ("policy", .string(clock.policy)),
            ("calendar", .string(clock.calendar)),
            ("target_seconds", .int(clock.targetSeconds)),
            ("started_at", .string(Timestamp(clock.startedAt).description)),
            ("due_at", clock.dueAt.map { .string(Timestamp($0).description) } ?? .null),
            ("elapsed_seconds", .int(clock.elapsedSeconds)),
            ("paused_seconds", .int(clock.pausedSeconds)),
            ("remaining_seconds", .int(clock.remainingSeconds)),
            ("percent", .double((clock.percent * 10).rounded() / 10)),
            ("state", .string(clock.state.rawValue)),
            ("next_step", clock.nextStep.map { next in
                .object([
                    ("at", next.at.map { .string(Timestamp($0).description) } ?? .null),
                    ("step", .string(next.step.label)),
                    ("notify", .array(next.step.notify.map(JSONValue.string))),
                ])
            } ?? .null),
        ])
    }

    /// A fixed-width table for people: one row per clock, times in UTC; remaining and used
    /// time are business time on each clock's calendar, and a share of the target past
    /// 999% reads `>999%`.
    static func table(_ clocks: [SLAClock], at now: Date) -> String {
        let header = ["TICKET", "METRIC", "CYCLE", "POLICY", "STATE", "DUE (UTC)", "REMAINING (BUSINESS)", "USED OF TARGET", "NEXT STEP"]
        let rows = clocks.map { clock -> [String] in
            [
                clock.ticketID, clock.metric.rawValue, String(clock.cycle), clock.policy, clock.state.rawValue,
                clock.dueAt.map(shortUTC) ?? "never", DurationText.compact(clock.remainingSeconds),
                clock.percent > 999.9 ? ">999%" : String(format: "%.1f%%", clock.percent),
                clock.nextStep.map { "\($0.step.label) at \($0.at.map(shortUTC) ?? "never") → \($0.step.notify.joined(separator: ","))" } ?? "-",
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

    private static func shortUTC(_ date: Date) -> String {
        let text = Timestamp(date).description
        return String(text.dropLast(4)).replacingOccurrences(of: "T", with: " ")
    }
}
