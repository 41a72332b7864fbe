import Foundation
import SLAConfig
import SLAEngine
import Synchronization
import Testing
import TicketSources
@testable import Daemon

/// The source poller alone: no sockets, sources that answer when told.
@Suite struct SourcePollerTests {
    /// A source whose polls answer once `open` is called, or at once when it starts open.
    final class GatedSource: TicketSource, Sendable {
        let name: String
        private let gate: AsyncStream<Void>
        private let opener: AsyncStream<Void>.Continuation

        init(_ name: String, open: Bool = false) {
            self.name = name
            (gate, opener) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .unbounded)
            if open { opener.finish() }
        }

        func open() { opener.finish() }

        func poll() async throws -> TicketBatch {
            for await _ in gate {}
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
        let started = await poller.start(at: now, force: true)
        let (first, _) = await poller.collect(wait: .milliseconds(100), awaiting: started)
        #expect(first.outcomes.map(\.source.config.name) == ["fast"])
        #expect(first.running == ["slow"])

        // It lands before the next tick asks: taken at once, even with no time to wait.
        slow.open()
        await poller.runningPollFinished()
        await poller.start(at: now + 10, force: false)
        let (second, _) = await poller.collect(wait: .zero, awaiting: [])
        #expect(second.outcomes.map(\.source.config.name) == ["slow"])
        #expect(second.running.isEmpty)
    }

    /// A source that hung held every later tick to its deadline, waiting again for the same
    /// poll, and so every other source's polls and every warning due meanwhile.
    @Test func aPollLeftRunningByAnEarlierTickIsNotWaitedForAgain() async throws {
        let hung = GatedSource("hung"), fast = GatedSource("fast", open: true)
        let poller = SourcePoller(sources: [Self.source(hung), Self.source(fast)])
        let first = await poller.start(at: now, force: true)
        let (firstTick, _) = await poller.collect(wait: .milliseconds(100), awaiting: first)
        #expect(firstTick.outcomes.map(\.source.config.name) == ["fast"] && firstTick.running == ["hung"])

        // The next tick starts a poll of the fast source only, and waits for it alone,
        // however long its deadline: a guard ends the test if it waits for the hung one.
        let second = await poller.start(at: now + 60, force: false)
        #expect(second == ["fast"])
        let secondTick = await Self.withinGuard { await poller.collect(wait: .seconds(3600), awaiting: second).0 }
        #expect(secondTick?.outcomes.map(\.source.config.name) == ["fast"], "the tick waited for the hung poll")
        #expect(secondTick?.running == ["hung"])
        hung.open()
    }

    /// A tick cancelled while it waits (the daemon stopping) spun until its deadline: its
    /// doorbell answered every wait at once, and each wait made a timer.
    @Test func aCancelledTickWaitsNoMore() async throws {
        let hung = GatedSource("hung")
        let poller = SourcePoller(sources: [Self.source(hung)])
        let started = await poller.start(at: now, force: true)
        let collected = await Self.withinGuard {
            await withTaskGroup(of: SourcePoller.Collected.self) { group in
                group.addTask { await poller.collect(wait: .seconds(3600), awaiting: started).0 }
                group.cancelAll()
                return await group.next()!
            }
        }
        #expect(collected?.running == ["hung"], "the cancelled tick kept waiting")
        hung.open()
    }

    /// What `body` returns, or nil when it takes longer than a guard of 30 s: a stage that
    /// waits when it must not fails the test instead of holding it (`body` is left running).
    static func withinGuard<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T? {
        let waiting = Mutex<CheckedContinuation<T?, Never>?>(nil)
        let guardTimer = Mutex<Task<Void, Never>?>(nil)
        let value = await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            waiting.withLock { $0 = continuation }
            let finish = { @Sendable (value: T?) in waiting.withLock { $0.take() }?.resume(returning: value) }
            guardTimer.withLock { $0 = Task { if (try? await Task.sleep(for: .seconds(30))) != nil { finish(nil) } } }
            Task { finish(await body()) }
        }
        guardTimer.withLock { $0?.cancel() }
        return value
    }

    @Test func withoutADeadlineEveryPollIsAwaited() async throws {
        let slow = GatedSource("slow")
        let poller = SourcePoller(sources: [Self.source(slow)])
        await poller.start(at: now, force: true)
        let collecting = Task { await poller.collect(wait: nil, awaiting: []) }
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
        let started = await poller.start(at: now, force: true)
        let (collected, _) = await poller.collect(wait: .seconds(5), awaiting: started)
        #expect(collected.outcomes.count == 1)
        #expect(collected.outcomes.first?.source.reader as? GatedSource !== old)
    }

    @Test func aSourceIsDueAfterItsInterval() async throws {
        let desk = GatedSource("desk", open: true)
        let poller = SourcePoller(sources: [Self.source(desk)])
        await poller.start(at: now, force: false)
        _ = await poller.collect(wait: nil, awaiting: [])
        #expect(await poller.nextPoll(after: now) == now + 60)
        await poller.start(at: now + 59, force: false)
        #expect(await poller.collect(wait: .zero, awaiting: []).0.outcomes.isEmpty)
    }
}
