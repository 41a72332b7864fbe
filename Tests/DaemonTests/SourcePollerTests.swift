import Foundation
import SLAConfig
import SLAEngine
import Testing
import TicketSources
@testable import Daemon

/// The source poller alone: no sockets, sources that answer when told.
@Suite struct SourcePollerTests {
    /// A source that answers once `open` is called, or at once when it starts open.
    final class GatedSource: TicketSource, Sendable {
        let name: String
        private let gate: AsyncStream<Void>
        private let opener: AsyncStream<Void>.Continuation

        init(_ name: String, open: Bool = false) {
            self.name = name
            (gate, opener) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .unbounded)
            if open { opener.yield() }
        }

        func open() { opener.yield() }

        func poll() async throws -> TicketBatch {
            for await _ in gate { break }
            return TicketBatch(tickets: [Ticket(id: "\(name)-1", createdAt: Date(timeIntervalSince1970: 1_795_000_000))])
        }
    }

    static func source(_ reader: GatedSource) -> Watcher.Source {
        Watcher.Source(config: SourceConfig(name: reader.name, kind: .file(path: "unused"), pollInterval: 60), reader: reader)
    }

    let now = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func aSlowSourceIsLeftRunningAtTheDeadlineAndTakenOnceItLands() async throws {
        let fast = GatedSource("fast", open: true), slow = GatedSource("slow")
        let poller = SourcePoller(sources: [Self.source(fast), Self.source(slow)])
        await poller.start(at: now, force: true)
        let (first, _) = await poller.collect(wait: .milliseconds(100))
        #expect(first.outcomes.map(\.source.config.name) == ["fast"])
        #expect(first.running == ["slow"])

        // It lands before the next tick asks: taken at once, even with no time to wait.
        slow.open()
        await poller.runningPollFinished()
        await poller.start(at: now + 10, force: false)
        let (second, _) = await poller.collect(wait: .zero)
        #expect(second.outcomes.map(\.source.config.name) == ["slow"])
        #expect(second.running.isEmpty)
    }

    @Test func withoutADeadlineEveryPollIsAwaited() async throws {
        let slow = GatedSource("slow")
        let poller = SourcePoller(sources: [Self.source(slow)])
        await poller.start(at: now, force: true)
        let collecting = Task { await poller.collect(wait: nil) }
        try await Task.sleep(for: .milliseconds(50))
        slow.open()
        let (collected, _) = await collecting.value
        #expect(collected.outcomes.count == 1 && collected.running.isEmpty)
    }

    @Test func aPollOfAReloadedSourceIsNotTaken() async throws {
        let old = GatedSource("desk")
        let poller = SourcePoller(sources: [Self.source(old)])
        await poller.start(at: now, force: true)
        let gone = await poller.replace([Self.source(GatedSource("desk", open: true))])
        #expect(gone.isEmpty)
        old.open()
        await poller.start(at: now, force: true)
        let (collected, _) = await poller.collect(wait: .seconds(5))
        #expect(collected.outcomes.count == 1)
        #expect(collected.outcomes.first?.source.reader as? GatedSource !== old)
    }

    @Test func aSourceIsDueAfterItsInterval() async throws {
        let desk = GatedSource("desk", open: true)
        let poller = SourcePoller(sources: [Self.source(desk)])
        await poller.start(at: now, force: false)
        _ = await poller.collect(wait: nil)
        #expect(await poller.nextPoll(after: now) == now + 60)
        await poller.start(at: now + 59, force: false)
        #expect(await poller.collect(wait: .zero).0.outcomes.isEmpty)
    }
}
