import Foundation
import Logging
import SLAEngine

extension Watcher {
    // MARK: Write-back

    /// The changes owed at the helpdesk for the steps that fired this tick and say
    /// `set_priority` or `add_tag`, where the source allows `write_back`: once per step.
    func writeBackPlan(_ intents: [Intent], clocks: [String: MessageComposer.TicketClocks]) -> [(intent: Intent, step: LadderStep)] {
        guard sources.contains(where: { $0.config.writeBack && $0.writer != nil }) else { return [] }
        var done = Set<String>()
        var plan: [(intent: Intent, step: LadderStep)] = []
        for intent in intents where intent.kind == .warning || intent.kind == .breach || intent.kind == .repeat {
            guard done.insert(intent.stepKey).inserted,
                  let source = tickets[intent.ticketKey].flatMap({ entry in sources.first { $0.config.name == entry.source } }),
                  source.config.writeBack, source.writer != nil,
                  let clock = clocks[intent.ticketKey]?.clock(of: intent),
                  let step = clock.ladder?.steps.first(where: { $0.label == String(Escalator.stepLabel(of: intent.step)) }),
                  step.writesBack
            else { continue }
            plan.append((intent, step))
        }
        return plan
    }

    /// Makes the changes `writeBackPlan` chose, once the steps are recorded. At most once:
    /// the step is already recorded, so a failure is logged, not retried.
    func writeBack(_ plan: [(intent: Intent, step: LadderStep)]) async {
        for (intent, step) in plan {
            guard let entry = tickets[intent.ticketKey],
                  let source = sources.first(where: { $0.config.name == entry.source }), let writer = source.writer
            else { continue }
            let metadata: Logger.Metadata = ["ticket": "\(intent.ticketID)", "step": "\(intent.step)", "source": "\(source.config.name)"]
            do {
                if let priority = step.setPriority, priority != entry.ticket.priority {
                    try await writer.setPriority(intent.ticketID, priority)
                    logger.info("ticket priority raised", metadata: metadata.merging(["priority": "\(priority.rawValue)"]) { $1 })
                }
                if let tag = step.addTag, !entry.ticket.tags.contains(tag) {
                    try await writer.addTag(intent.ticketID, tag)
                    logger.info("ticket tagged", metadata: metadata.merging(["tag": "\(tag)"]) { $1 })
                }
            } catch {
                logger.error("write-back failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            }
        }
    }
}
