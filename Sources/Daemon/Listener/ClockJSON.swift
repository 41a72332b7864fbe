public import Foundation
public import SLAEngine
public import Transport

/// One clock as a JSON object of the `evaluate` contract (DESIGN.md): what `evaluate
/// --format json` prints per clock and `GET /api/v1/clocks` serves.
public enum ClockJSON {
    /// One clock as the next entry of `writer`.
    public static func write(_ clock: SLAClock, to writer: inout JSONWriter) {
        write(ClockView(clock), to: &writer)
    }

    /// One clock's figures as the next entry of `writer`.
    public static func write(_ clock: ClockView, to writer: inout JSONWriter) {
        func time(_ date: Date?) {
            if let date { Timestamp(date).withUTF8 { writer.string(utf8: $0) } } else { writer.null() }
        }
        let key = Keys.shared
        writer.beginObject()
        writer.key(key.ticket); writer.string(clock.ticketID)
        // Tickets read from a configured source say which; `--tickets` ones belong to none.
        if !clock.source.isEmpty { writer.key(key.source); writer.string(clock.source) }
        writer.key(key.metric); writer.string(clock.metric.rawValue)
        writer.key(key.cycle); writer.int(clock.cycle)
        // A group_response clock names its group; no other clock has one.
        if let group = clock.group { writer.key(key.group); writer.string(group) }
        writer.key(key.policy); writer.string(clock.policy)
        writer.key(key.calendar); writer.string(clock.calendar)
        writer.key(key.targetSeconds); writer.int(clock.targetSeconds)
        writer.key(key.startedAt); time(clock.startedAt)
        writer.key(key.dueAt); time(clock.dueAt)
        writer.key(key.elapsedSeconds); writer.int(clock.elapsedSeconds)
        writer.key(key.pausedSeconds); writer.int(clock.pausedSeconds)
        writer.key(key.remainingSeconds); writer.int(clock.remainingSeconds)
        writer.key(key.percent); writer.double((clock.percent * 10).rounded() / 10)
        writer.key(key.state); writer.string(clock.state.rawValue)
        writer.key(key.nextStep)
        if let next = clock.nextStep {
            writer.beginObject()
            writer.key(key.at); time(next.at)
            writer.key(key.step); writer.string(next.label)
            writer.key(key.notify)
            writer.beginArray()
            for target in next.notify { writer.string(target) }
            writer.endArray()
            writer.endObject()
        } else {
            writer.null()
        }
        writer.endObject()
    }

    /// The contract's keys, quoted once.
    private struct Keys: Sendable {
        static let shared = Keys()
        let ticket = JSONWriter.Key("ticket"), source = JSONWriter.Key("source"), metric = JSONWriter.Key("metric"), cycle = JSONWriter.Key("cycle")
        let policy = JSONWriter.Key("policy"), calendar = JSONWriter.Key("calendar")
        let targetSeconds = JSONWriter.Key("target_seconds"), startedAt = JSONWriter.Key("started_at")
        let dueAt = JSONWriter.Key("due_at"), elapsedSeconds = JSONWriter.Key("elapsed_seconds")
        let pausedSeconds = JSONWriter.Key("paused_seconds"), remainingSeconds = JSONWriter.Key("remaining_seconds")
        let percent = JSONWriter.Key("percent"), state = JSONWriter.Key("state"), nextStep = JSONWriter.Key("next_step")
        let group = JSONWriter.Key("group")
        let at = JSONWriter.Key("at"), step = JSONWriter.Key("step"), notify = JSONWriter.Key("notify")
    }
}
