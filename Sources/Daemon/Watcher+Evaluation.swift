import Foundation
import SLAEngine
import StateStore
import Synchronization

extension Watcher {
    /// The tick's evaluation: the engine's, with the clocks kept per ticket key for wording.
    struct Evaluation: Sendable {
        /// For the tickets something is owed about, with the ticket as evaluated.
        var clocks: [String: MessageComposer.TicketClocks] = [:]
        var intents: [Intent] = []
        var withdrawn: [String] = []
        /// Muted intents sent now as catch-ups: their silence ended.
        var unsilenced: [Intent] = []
        var breaches: [BreachRecord] = []
        /// The writes of the clock outcomes new or changed since recorded, one per part
        /// evaluated, each started as soon as its part was.
        var outcomesRecorded: [Task<StateStoreError?, Never>] = []
        var nextThreshold: Date?
    }

    /// Records the tick's breaches on the store's writer while the tick words its messages,
    /// and waits for them and for the clock outcomes (what reports read: a breach when it
    /// happens, updated on fulfilment), whose writes `evaluate` started part by part.
    /// The breaches are taken out of `evaluation`, so nothing else holds them.
    func record(takingFrom evaluation: inout Evaluation, at now: Date) -> Task<StateStoreError?, Never> {
        let store = store
        let breaches = evaluation.breaches
        let outcomesRecorded = evaluation.outcomesRecorded
        (evaluation.breaches, evaluation.outcomesRecorded) = ([], [])
        return Task.detached {
            var failure: StateStoreError?
            // Untyped, here and below: see `StateStoreError.caught`.
            do {
                try await store.recordBreaches(breaches)
            } catch { failure = StateStoreError.caught(error) }
            // Every write is waited for; the first failure is the one reported.
            for written in outcomesRecorded {
                let outcome = await written.value
                failure = failure ?? outcome
            }
            return failure
        }
    }

    /// Starts writing one evaluated part's clock outcomes: the store's writer takes them
    /// while the other parts are evaluated, instead of holding up the tick's first commit.
    /// Each part is a transaction of its own (an outcome stands alone); the part's outcomes
    /// are let go once written.
    static func recordOutcomes(
        _ outcomes: [ClockOutcome], to store: any NotificationLog, at now: Date
    ) -> Task<StateStoreError?, Never>? {
        guard !outcomes.isEmpty, let log = store as? any ClockOutcomeLog else { return nil }
        return Task.detached {
            do {
                try await log.recordOutcomes(outcomes, at: now)
                return nil
            } catch { return StateStoreError.caught(error) }
        }
    }

    /// Tickets evaluated per part; a smaller set is evaluated in one.
    static let ticketsPerPart = 4096

    /// Runs the clocks and the escalator over the last poll's tickets, split across the
    /// machine's cores (`SLAEngine.evaluate` is pure, so parts need nothing from each
    /// other). The ladder history is only borrowed here, so the store can update it in
    /// place when the tick commits.
    func evaluate(
        at now: Date, keepingClocksOf keeping: Set<String>, silences: [Silence], into report: inout TickReport
    ) async throws(StateStoreError) -> Evaluation {
        var counted = BreachCounts()
        if let rule = configuration.repeatedBreaches {
            counted = try await store.breachCounts(since: now - Double(rule.windowSeconds))
        }
        let breaches = counted
        let history = try await store.ladderHistory()
        let holds = try await store.clockHolds()
        let recordedOutcomes = try await (store as? any ClockOutcomeLog)?.recordedOutcomes()
        let (engine, escalator, tickets, observed) = (engine, escalator, tickets, observed)
        let work = tickets.parts(of: Watcher.ticketsPerPart)
        let parts = Mutex<[Int: (TicketEvaluation, clocks: [String: MessageComposer.TicketClocks])]>([:])
        let outcomesRecorded = Mutex<[Task<StateStoreError?, Never>]>([])
        let store = store
        DispatchQueue.concurrentPerform(iterations: work.count) { part in
            guard let batch = tickets.batches[work[part].source] else { return }
            var evaluated = engine.evaluate(
                batch, in: work[part].range, escalator: escalator, history: history, observed: { observed[$0] ?? [] },
                earlierBreaches: { breaches.earlier(customer: $0.customer.id, excluding: $0.key) }, keeping: keeping, now: now,
                recordedOutcomes: recordedOutcomes, holds: holds, silences: silences)
            // Kept clocks refer to the polled batch instead of copying tickets.
            var clocks: [String: MessageComposer.TicketClocks] = [:]
            for (position, ticketClocks, risks) in evaluated.kept {
                clocks[batch[position].key] = MessageComposer.TicketClocks(batch, position, clocks: ticketClocks, risks: risks)
            }
            evaluated.kept = []
            // Arrays grown by doubling hold up to twice their elements; every part is held
            // until merged, so each keeps only what it has; its outcomes go to the writer now.
            evaluated.intents.shrinkToFit()
            evaluated.breaches.shrinkToFit()
            if let written = Watcher.recordOutcomes(evaluated.outcomes, to: store, at: now) {
                outcomesRecorded.withLock { $0.append(written) }
            }
            evaluated.outcomes = []
            parts.withLock { $0[part] = (evaluated, clocks) }
        }
        // Last part first, so each part is let go as soon as it is merged.
        var evaluated = parts.withLock { parts in
            defer { parts.removeAll() }
            return parts.sorted { $0.key > $1.key }.map(\.value)
        }
        var merged = TicketEvaluation()
        var result = Evaluation()
        merged.intents.reserveCapacity(evaluated.reduce(0) { $0 + $1.0.intents.count })
        merged.breaches.reserveCapacity(evaluated.reduce(0) { $0 + $1.0.breaches.count })
        result.clocks.reserveCapacity(evaluated.reduce(0) { $0 + $1.clocks.count })
        result.outcomesRecorded = outcomesRecorded.withLock { $0 }
        while let (evaluatedPart, clocks) = evaluated.popLast() {
            merged.merge(evaluatedPart)
            result.clocks.merge(clocks) { $1 }
        }
        report.clocks += merged.clockCount
        report.clockStates.merge(merged.clockStates, uniquingKeysWith: +)
        report.breached += merged.breached
        report.atRisk += merged.atRisk
        report.intents = merged.intents.count
        for intent in merged.intents where intent.kind == .warning || intent.kind == .breach || intent.kind == .repeat {
            report.crossings[intent.kind.rawValue, default: 0] += 1
        }
        // An occurrence counts once, however many channels hear it.
        var occurrences = Set<String>()
        for intent in merged.intents where intent.kind == .risk && occurrences.insert(intent.stepKey).inserted {
            report.risks[intent.risk?.rawValue ?? "", default: 0] += 1
        }
        result.intents = merged.intents
        result.withdrawn = merged.withdrawn
        result.unsilenced = merged.unsilenced
        report.silenced = merged.intents.reduce(0) { $0 + ($1.isMuted ? 1 : 0) }
        result.breaches = merged.breaches
        result.nextThreshold = merged.nextThreshold
        return result
    }
}

extension Array {
    /// Keeps only as much room as the elements take: an array grown by doubling may hold
    /// twice that.
    mutating func shrinkToFit() {
        guard capacity > count else { return }
        self = Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = withUnsafeBufferPointer { buffer.initialize(from: $0).1 }
        }
    }
}
