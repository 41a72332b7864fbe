import Foundation
import SLAEngine
import StateStore

extension Watcher {
    /// What a tick decided: the plan, the intents to word now with their tickets, and the
    /// ticket changes to make at the helpdesk once it is recorded.
    struct Decided {
        var plan: TickPlanner.Plan
        /// `items[n]` words intent number `plan.ready[n]`.
        var items: ReadyItems
        /// Sources whose data is stale, with since when.
        var stale: [String: Date]
        var writeBacks: [(intent: Intent, step: LadderStep)]
    }

    /// Messages worded and committed per part of a large tick: the dispatcher starts on
    /// the first part while the rest are worded.
    static let messagesPerCommit = 2048

    /// Turns an evaluation into what the tick records and sends: the planner says which
    /// intents go out now (held ones whose quiet hours ended among them). `stale` names the
    /// sources whose data is stale, with since when.
    /// `silences` mute held intents whose quiet hours end under them.
    func decide(_ evaluation: Evaluation, heldDue: [Intent], silences: [Silence], stale: [String: Date], at now: Date) -> Decided {
        let clocks = evaluation.clocks
        let subject = SubjectLookup(clocks)
        let plan = TickPlanner.plan(
            intents: evaluation.intents, withdrawn: evaluation.withdrawn, heldDue: heldDue, unsilenced: evaluation.unsilenced,
            stale: Set(stale.keys),
            facts: TickPlanner.Facts(
                clockIsOpen: { intent in subject(intent).map { $0.isOpen(for: intent) } },
                hasCustomerEmail: { subject($0)?.ticket.customer.email != nil },
                muting: { intent in
                    subject(intent).flatMap { Silence.muting(intent.kind, of: $0.ticket, among: silences, at: now) }
                }
            ),
            at: now)
        let subjects = plan.ready.map { number in subject(plan.intent(number))! }
        return Decided(plan: plan, items: ReadyItems(plan: plan, subjects: subjects), stale: stale, writeBacks: writeBackPlan(plan.decided, clocks: clocks))
    }

    /// Words the decided intents a part at a time and commits each part with the intents
    /// its messages carry, handing each part's messages to the dispatcher as soon as it is
    /// committed. The first part also records what goes out without a message (held,
    /// skipped, withdrawn) and carries the messages `beforeFirstCommit` returns (ops notices,
    /// scheduled reports); it runs once, after the first part is worded.
    /// Each intent is committed with the message that carries it, so a crash between parts
    /// loses nothing: the next tick decides the rest again.
    ///
    /// The store commits a part while the next one is worded (on another core), one commit
    /// at a time and in order: a part's commit starts once the one before has ended.
    func commitInParts(
        _ decided: inout Decided, at now: Date, into report: inout TickReport, phase: inout ContinuousClock.Instant,
        surges: SurgeCommit = SurgeCommit(), beforeFirstCommit: () async throws(StateStoreError) -> [OutboundMessage]
    ) async throws(StateStoreError) {
        // Read in place, without copying an intent or making a ticket key for each of a large
        // catch-up's items (a fortieth of its tick): a ticket's items share one `TicketClocks`.
        let plan = decided.plan
        let parts = TickPlanner.parts(
            of: decided.items.indices, size: Watcher.messagesPerCommit,
            isDigest: { item in
                let number = plan.ready[item]
                let (channel, kind) = number < plan.decided.count
                    ? (plan.decided[number].channel, plan.decided[number].kind)
                    : (plan.released[number - plan.decided.count].channel, plan.released[number - plan.decided.count].kind)
                return kind != .customerNotice && composer.digestChannels.contains(channel ?? "")
            },
            ticketOf: { ObjectIdentifier(decided.items.subjects[$0]!) })
        // The key of the message carrying each intent, by number, filled in part by part.
        var messageKeys = [String?](repeating: nil, count: decided.plan.decided.count + decided.plan.released.count)
        var committing: Committing?
        for (index, part) in parts.enumerated() {
            // One part (most ticks, and a digest-only catch-up of any size) words the items
            // where they are; a part is a view of them. Items are made from the plan's intents
            // as they are read, never copied as a whole.
            let whole = parts.count == 1
            var composed = composer.compose(whole ? decided.items : decided.items.part(part), at: now)
            // Worded: the part's tickets and clocks are let go, so a large tick's later parts
            // are worded in the memory its earlier ones took.
            if !whole { decided.items.release(part) }
            if !decided.stale.isEmpty { noteStaleSources(decided.stale, in: &composed) }
            for (message, carried) in composed {
                for item in carried { messageKeys[decided.plan.ready[whole ? item : part[item]]] = message.key }
            }
            var commit = TickPlanner.commit(
                decided.plan, numbers: whole ? nil : part.map { decided.plan.ready[$0] }, messages: composed.map(\.message),
                messageKeys: messageKeys, first: index == 0, at: now)
            composed = []
            report.lap("compose", since: &phase)
            if index == 0 {
                commit.messages += try await beforeFirstCommit()
                commit.surges = surges
            }
            logSkipped(commit.intents)
            // Encoded for the outbox while the part before is written; the writer is given
            // this part as soon as that one ends, and the dispatcher that one's messages after.
            try commit.encodeMessages()
            let previous = committing.take()
            let committed = try await previous?.task.value.get()
            committing = Committing(commit, to: store)
            if let previous, let committed {
                await handOver(previous, committed, into: &report)
                report.lap("commit", since: &phase)
            }
        }
        if let last = committing.take() {
            await handOver(last, try await last.task.value.get(), into: &report)
            report.lap("commit", since: &phase)
        }
    }

    /// A part's commit under way on the store's writer, and the messages it puts in the outbox.
    struct Committing {
        let task: Task<Result<Committed, StateStoreError>, Never>
        let messages: [OutboundMessage]

        init(_ commit: TickCommit, to store: any NotificationLog) {
            messages = commit.messages
            task = Task.detached {
                // Untyped: see `StateStoreError.caught`.
                do {
                    return .success(try await store.commit(commit))
                } catch {
                    return .failure(StateStoreError.caught(error))
                }
            }
        }
    }

    /// Hands a committed part's messages to the dispatcher: claimed already when the commit
    /// found every one of them new to the outbox.
    private func handOver(_ part: Committing, _ committed: Committed, into report: inout TickReport) async {
        report.enqueued += part.messages.count
        await dispatcher?.submit(part.messages, claimed: committed.messagesAreNew)
    }

    /// Says in each message about a stale source's ticket that its data may be out of date.
    private func noteStaleSources(_ stale: [String: Date], in composed: inout [(message: OutboundMessage, items: [Int])]) {
        for index in composed.indices {
            let sourcesOf = Set(composed[index].message.tickets.map(\.source))
            for source in sourcesOf.sorted() {
                guard let since = stale[source] else { continue }
                let note = TickPlanner.staleNote(source: source, since: since)
                composed[index].message.text += "\n\n" + note
                composed[index].message.html = composed[index].message.html.map { $0 + "<p><em>\(note)</em></p>" }
            }
        }
    }

    private func logSkipped(_ intents: [Intent]) {
        for intent in intents where intent.kind == .skipped {
            logger.info("step skipped", metadata: [
                "ticket": "\(intent.ticketID)", "source": "\(intent.source)",
                "metric": "\(intent.metric?.rawValue ?? "risk " + (intent.risk?.rawValue ?? ""))", "step": "\(intent.step)",
                "reason": "\(intent.reason ?? "")",
            ])
        }
    }
}

/// The ticket and clocks an intent is about, looked up once for each run of intents about
/// one ticket: the evaluation gives a ticket's intents one after another, and a ticket key
/// made and hashed for each of a large catch-up's intents, three times over, held up the
/// tick between its evaluation and its first message.
final class SubjectLookup {
    private let clocks: [String: MessageComposer.TicketClocks]
    private var last: (source: String, ticketID: String, subject: MessageComposer.TicketClocks?)?

    init(_ clocks: [String: MessageComposer.TicketClocks]) {
        self.clocks = clocks
    }

    func callAsFunction(_ intent: Intent) -> MessageComposer.TicketClocks? {
        if let last, last.ticketID == intent.ticketID, last.source == intent.source { return last.subject }
        let subject = clocks[intent.ticketKey]
        last = (intent.source, intent.ticketID, subject)
        return subject
    }
}

/// The items a tick words, each made as it is read from the plan's intent and its ticket's
/// clocks: a large catch-up's intents are held once, in the plan, not again as items.
struct ReadyItems: RandomAccessCollection, Sendable {
    let plan: TickPlanner.Plan
    /// The ticket and clocks of the intent numbered `plan.ready[n]`; nil once worded
    /// (`release`).
    private(set) var subjects: [MessageComposer.TicketClocks?]
    /// The positions in `plan.ready` this view holds, in order; nil for all of them.
    var positions: [Int]? = nil

    var startIndex: Int { 0 }
    var endIndex: Int { positions?.count ?? subjects.count }

    subscript(index: Int) -> MessageComposer.Item {
        let n = positions?[index] ?? index
        return MessageComposer.Item(intent: plan.intent(plan.ready[n]), subject: subjects[n]!)
    }

    /// Lets go of the tickets and clocks of the items at `positions` (positions in the whole
    /// plan), which are not read again: a ticket's clocks are freed once all its items are
    /// worded.
    mutating func release(_ positions: [Int]) {
        for position in positions { subjects[self.positions?[position] ?? position] = nil }
    }

    /// The items at `positions` (positions in the whole plan), as a view.
    func part(_ positions: [Int]) -> ReadyItems {
        ReadyItems(plan: plan, subjects: subjects, positions: positions.map { self.positions?[$0] ?? $0 })
    }
}
