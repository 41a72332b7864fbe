import Daemon
import Foundation
import SLAEngine

/// wording: the messages of synthetic breached tickets worded with the default templates,
/// as the composer words them in a tick (context, subject, text form and, where the channel
/// shows one, the HTML form): a webhook team message (with HTML), a chat team message (no
/// HTML) and a customer delay notice (with HTML); on one core, then on every core.
enum WordingBenchmark {
    static func run(count: Int) throws {
        let composer = MessageComposer(
            digestChannels: [], templates: try MessageTemplates(directory: nil), htmlChannels: ["hooks", "customers"])
        let tickets = syntheticTickets(count: count, now: benchmarkNow).enumerated().map { index, ticket in
            var ticket = ticket
            ticket.source = "desk"
            ticket.url = "https://help.example.com/t/\(index)"
            ticket.assignee = index % 3 == 0 ? nil : "agent \(index % 40)"
            ticket.subject = "Printer on floor \(index % 9) says \"paper jam\" & <won't> print"
            return ticket
        }
        let subjects = tickets.map { MessageComposer.TicketClocks(ticket: $0, clocks: engine.clocks(for: $0, at: benchmarkNow)) }
        for (label, channel, kind) in [
            ("webhook message (subject, text, HTML)", "hooks", Intent.Kind.breach),
            ("chat message (subject, text)", "chat", .breach),
            ("customer notice (subject, text, HTML)", "customers", .customerNotice),
        ] {
            let items = subjects.map { subject in
                let clock = subject.clocks.first { $0.state == .breached } ?? subject.clocks[0]
                return MessageComposer.Item(
                    intent: Intent(
                        ticketID: subject.ticket.id, source: "desk", metric: clock.metric, cycle: clock.cycle, step: "breach",
                        kind: kind, channel: channel, role: kind == .customerNotice ? nil : .manager,
                        template: kind == .customerNotice ? "delay_notice" : nil),
                    subject: subject)
            }
            // Warm the formatters and the allocator before timing.
            for item in items.prefix(200) { _ = composer.single(item, channel: channel, at: benchmarkNow) }
            var bytes = 0
            var start = ContinuousClock.now
            var cpuStart = processCPUSeconds()
            for item in items {
                let message = composer.single(item, channel: channel, at: benchmarkNow)
                bytes += message.subject.utf8.count + message.text.utf8.count + (message.html?.utf8.count ?? 0)
            }
            let oneCore = (ContinuousClock.now - start).seconds, oneCoreCPU = processCPUSeconds() - cpuStart
            start = ContinuousClock.now
            cpuStart = processCPUSeconds()
            let parallel = composer.compose(items, at: benchmarkNow)
            let everyCore = (ContinuousClock.now - start).seconds, everyCoreCPU = processCPUSeconds() - cpuStart
            precondition(parallel.count == count)
            let perMessage = { (seconds: Double) in String(format: "%.1f", seconds / Double(count) * 1e6) }
            print("wording: \(label): \(count) messages (\(bytes / count) bytes each): "
                + "\(perMessage(oneCore)) µs per message on one core (CPU \(perMessage(oneCoreCPU)) µs), "
                + "\(perMessage(everyCore)) µs on \(ProcessInfo.processInfo.activeProcessorCount) cores (CPU \(perMessage(everyCoreCPU)) µs)")
        }
        print(String(format: "wording: peak RSS %.0f MiB", peakResidentMiB()))
    }
}
