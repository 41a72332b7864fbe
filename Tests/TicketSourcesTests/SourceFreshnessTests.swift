import Foundation
import Testing
import TicketSources

@Suite struct SourceFreshnessTests {
    /// One step fed to the state machine, at seconds after the start.
    enum Step: Sendable, CustomStringConvertible {
        case success(Int)
        case failure(Int)
        case check(Int)

        var description: String {
            switch self {
            case .success(let t): "success@\(t)"
            case .failure(let t): "failure@\(t)"
            case .check(let t): "check@\(t)"
            }
        }
    }

    /// What a step returns, in a compact form: `stale since S (last L)` / `recovered from S at T`.
    static func text(_ notice: SourceFreshness.Notice, start: Date) -> String {
        func s(_ date: Date) -> Int { Int(date.timeIntervalSince(start)) }
        switch notice {
        case .becameStale(let source, let since, let last):
            return "\(source) stale since \(s(since)) (last \(last.map { String(s($0)) } ?? "never"))"
        case .recovered(let source, let staleSince, let at):
            return "\(source) recovered from \(s(staleSince)) at \(s(at))"
        }
    }

    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    @Test(arguments: [
        // Polls every 60 s: stale after 180 s without a success.
        ([.success(0), .check(179)], [], true),
        ([.success(0), .check(180)], ["s stale since 180 (last 0)"], false),
        // Failures alone say nothing until the limit runs out, then once.
        ([.success(0), .failure(60), .failure(120), .failure(180), .failure(240), .check(300)],
         ["s stale since 180 (last 0)"], false),
        // Recovery is told once, at the next success.
        ([.success(0), .check(200), .success(250), .success(310), .check(400)],
         ["s stale since 180 (last 0)", "s recovered from 180 at 250"], true),
        // A source that never succeeded counts from when it was first tracked.
        ([.failure(30), .check(180)], ["s stale since 180 (last never)"], false),
        // A staleness nobody was told of ends silently.
        ([.success(0), .success(500)], [], true),
        // Stale again after a recovery: told again.
        ([.success(0), .check(180), .success(200), .check(379), .check(380)],
         ["s stale since 180 (last 0)", "s recovered from 180 at 200", "s stale since 380 (last 200)"], false),
    ] as [([Step], [String], Bool)])
    func staleAfterThreePollIntervals(steps: [Step], notices: [String], freshAtEnd: Bool) {
        var freshness = SourceFreshness()
        let start = SourceFreshnessTests.start
        freshness.track("s", pollInterval: 60, from: start)
        var told: [SourceFreshness.Notice] = []
        var last = 0
        for step in steps {
            switch step {
            case .success(let t): told += freshness.record("s", succeeded: true, at: start + Double(t)); last = t
            case .failure(let t): told += freshness.record("s", succeeded: false, at: start + Double(t)); last = t
            case .check(let t): told += freshness.check(at: start + Double(t)); last = t
            }
        }
        #expect(told.map { SourceFreshnessTests.text($0, start: start) } == notices)
        #expect(freshness.status(of: "s", at: start + Double(last))?.isFresh == freshAtEnd)
    }

    @Test func statusSaysSinceWhenAndStaleAfterOverridesTheDefault() {
        var freshness = SourceFreshness()
        let start = SourceFreshnessTests.start
        freshness.track("zendesk", pollInterval: 60, staleAfter: 600, from: start)
        freshness.track("jira", pollInterval: 300, from: start)
        _ = freshness.record("zendesk", succeeded: true, at: start + 10)
        _ = freshness.record("jira", succeeded: true, at: start + 10)
        let zendesk = freshness.status(of: "zendesk", at: start + 700)
        #expect(zendesk == SourceFreshness.Status(lastSuccess: start + 10, staleSince: start + 610, limit: 600))
        #expect(freshness.status(of: "jira", at: start + 700)?.isFresh == true)
        #expect(freshness.status(of: "jira", at: start + 910)?.staleSince == start + 910)
        // Checks name sources in order; unknown sources are ignored.
        #expect(freshness.check(at: start + 1000).map { SourceFreshnessTests.text($0, start: start) } == [
            "jira stale since 910 (last 10)", "zendesk stale since 610 (last 10)",
        ])
        #expect(freshness.record("other", succeeded: false, at: start).isEmpty)
        #expect(freshness.status(of: "other", at: start) == nil)
        // A reload keeps the history; untracking forgets the source.
        freshness.track("zendesk", pollInterval: 60, from: start + 2000)
        #expect(freshness.status(of: "zendesk", at: start + 1000)?.limit == 180)
        freshness.untrack("jira")
        #expect(freshness.sources == ["zendesk"])
    }
}
