import Foundation
import Logging
import StateStore
import TicketSources

extension Watcher {
    /// Starts a poll of every source that is due, then takes the results of the polls that
    /// finish within `wait` (nil: all of them). A poll still running after that goes on in
    /// the background: its source's tickets stay as last polled, and a later tick takes it.
    func poll(at now: Date, force: Bool, wait: Duration?, into report: inout TickReport) async throws(StateStoreError) {
        let started = await poller.start(at: now, force: force)
        let (collected, notices) = await poller.collect(wait: wait, awaiting: started)
        sourceNotices += notices
        report.pollsRunning = collected.running
        for outcome in collected.outcomes {
            try await take(outcome, into: &report)
        }
        sourceNotices += await poller.checkFreshness(at: now)
        report.tickets = tickets.count
    }

    /// Records what one poll gave: its tickets replace the source's, its transitions are
    /// observed, its skipped records logged.
    private func take(_ outcome: SourcePoller.Outcome, into report: inout TickReport) async throws(StateStoreError) {
        let name = outcome.source.config.name
        report.pollDurations[name] = outcome.seconds
        let batch: TicketBatch
        switch outcome.result {
        case .success(let polled):
            batch = polled
        case .failure(let error):
            report.pollErrors.append(name)
            report.problems.append("sources.\(name): \(error)")
            logger.error("source poll failed", metadata: ["source": "\(name)", "error": "\(error)"])
            return
        }
        let seenBefore = problemsLastPolled[name] ?? []
        var seen: Set<String> = []
        for problem in batch.problems {
            report.problems.append(problem.description)
            seen.insert(problem.description)
            var metadata: Logger.Metadata = ["source": "\(problem.source)", "error": "\(problem.description)"]
            if let id = problem.recordID { metadata["ticket"] = "\(id)" }
            let message: Logger.Message = problem.skipsRecord ? "record skipped" : "source problem"
            // Told once while it lasts: the source's previous poll had it too.
            logger.log(level: seenBefore.contains(problem.description) ? .debug : .warning, message, metadata: metadata)
        }
        problemsLastPolled[name] = seen
        tickets.replace(name, with: batch.tickets)
        let history = try await store.observe(batch.tickets, source: name, at: outcome.startedAt)
        for ticket in batch.tickets { observed[ticket.key] = history[ticket.key] }
    }
}
