import Foundation
import Testing
import Service

@Suite("Readiness")
struct ReadinessTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test("not ready before the first tick")
    func beforeFirstTick() {
        let sources = [SourceReadiness(name: "demo", lastSuccess: now, staleAfter: 300)]
        #expect(Readiness.evaluate(firstTickAt: nil, sources: sources, now: now) == .notReady("waiting for the first tick"))
    }

    @Test("ready when every source is fresh, or there are none")
    func ready() {
        let sources = [
            SourceReadiness(name: "a", lastSuccess: now - 299, staleAfter: 300),
            SourceReadiness(name: "b", lastSuccess: now - 300, staleAfter: 300),
        ]
        #expect(Readiness.evaluate(firstTickAt: now, sources: sources, now: now) == .ready)
        #expect(Readiness.evaluate(firstTickAt: now, sources: [], now: now).isReady)
    }

    @Test("names every stale or never-polled source")
    func stale() {
        let sources = [
            SourceReadiness(name: "zendesk", lastSuccess: now - 412, staleAfter: 300),
            SourceReadiness(name: "jira", lastSuccess: nil, staleAfter: 300),
            SourceReadiness(name: "file", lastSuccess: now - 10, staleAfter: 300),
        ]
        let readiness = Readiness.evaluate(firstTickAt: now - 60, sources: sources, now: now)
        #expect(readiness == .notReady("source jira has not been polled successfully yet; "
            + "source zendesk is stale: last successful poll 412s ago, stale after 300s"))
        #expect(Readiness.evaluate(firstTickAt: now, sources: [sources[0]], now: now).description
            == "source zendesk is stale: last successful poll 412s ago, stale after 300s")
    }
}
