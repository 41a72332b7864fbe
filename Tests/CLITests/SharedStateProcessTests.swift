import Foundation
import Testing
import TestSupport

/// Two daemons on one PostgreSQL state, tickets breaching one a second throughout: one
/// leads, the other takes over when the leader is killed, paused or loses its database,
/// and every breach reaches both channels, with few messages twice and none lost.
@Suite(.serialized) struct SharedStateProcessTests {
    /// Leader kills per trial: more under `make soak`.
    static var kills: Int { Soak.pick(3, soak: 10) }
    static let limit = Double(SharedStateFixture.lease) + 2

    @Test func theLeaderKilledAgainAndAgainIsReplacedAndNothingIsLost() throws {
        let kills = Self.kills
        let fixture = try SharedStateFixture(tickets: 6 + kills * 3, firstDueIn: 4)
        defer { fixture.remove() }
        var daemons = ["a": try fixture.start("a")]
        defer { for daemon in daemons.values { _ = daemon.terminate(SIGKILL) } }
        #expect(daemons["a"]!.waitForLine(containing: "role: leader", stream: .stderr), "\(daemons["a"]!.stderr)")
        daemons["b"] = try fixture.start("b")
        #expect(daemons["b"]!.waitForLine(containing: "role: standby", stream: .stderr), "\(daemons["b"]!.stderr)")

        var takeovers: [Double] = []
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<kills {
            usleep(UInt32.random(in: 700_000...2_500_000, using: &generator))
            guard let leader = daemons.first(where: { $0.value.role == "leader" })?.key else {
                Issue.record("no leader: \(daemons.mapValues(\.role))")
                break
            }
            let other = leader == "a" ? "b" : "a"
            let seen = daemons[other]!.count("role: leader")
            _ = daemons[leader]!.terminate(SIGKILL)
            let killed = Date()
            guard let took = daemons[other]!.waitForCount(of: "role: leader", above: seen, timeout: Self.limit + 5) else {
                Issue.record("\(other) did not take over: \(daemons[other]!.stderr)")
                break
            }
            takeovers.append(took.timeIntervalSince(killed))
            daemons[leader] = try fixture.start(leader)
            #expect(daemons[leader]!.waitForLine(containing: "role: standby", stream: .stderr), "\(daemons[leader]!.stderr)")
        }
        try fixture.waitForEverything(names: ["a", "b"])
        usleep(1_000_000)
        let hooks = try ["a", "b"].flatMap { try fixture.hooks(from: $0).map(\.key) }
        let logs = ["a", "b"].flatMap(fixture.logged(by:))
        // Nothing lost: every ticket's breach reached both channels.
        #expect(Set(hooks.compactMap(SharedStateFixture.ticket(of:))) == Set(0..<fixture.tickets))
        #expect(Set(logs.compactMap(SharedStateFixture.ticket(of:))) == Set(0..<fixture.tickets))
        // A message sent twice is one in flight at a kill, under the same idempotency key.
        #expect(hooks.count - Set(hooks).count <= kills, "\(hooks.count - Set(hooks).count) webhooks twice")
        #expect(logs.count - Set(logs).count <= kills, "\(logs.count - Set(logs).count) log lines twice")
        // The standby takes over within the lease and 2 s of the leader's death.
        #expect(takeovers.count == kills)
        #expect(takeovers.allSatisfy { $0 < Self.limit }, "takeovers: \(takeovers)")
        print("takeover after SIGKILL (lease \(SharedStateFixture.lease) s), seconds:",
              takeovers.map { String(format: "%.2f", $0) }.joined(separator: " "))
    }

    @Test func aPausedLeaderIsFencedAndComesBackAsAStandby() throws {
        let fixture = try SharedStateFixture(tickets: 16, firstDueIn: 3)
        defer { fixture.remove() }
        let (a, b) = try fixture.startLeaderAndStandby()
        defer {
            _ = a.terminate(SIGKILL)
            _ = b.terminate(SIGKILL)
        }
        // The leader sends a first breach or two, then hangs.
        let deadline = Date() + 10
        while try fixture.hooks(from: "a").isEmpty, Date() < deadline { usleep(100_000) }
        kill(a.process.processIdentifier, SIGSTOP)
        let stopped = Date()
        let took = b.waitForCount(of: "role: leader", above: 0, timeout: Self.limit + 5)
        #expect(took != nil, "\(b.stderr)")
        if let took { #expect(took.timeIntervalSince(stopped) < Self.limit, "took over after \(took.timeIntervalSince(stopped)) s") }
        // The new leader sends for a while, then the old one wakes up.
        usleep(2_500_000)
        let resumed = Date()
        kill(a.process.processIdentifier, SIGCONT)
        #expect(a.waitForLine(containing: "role: standby", stream: .stderr), "\(a.stderr)")
        try fixture.waitForEverything(names: ["a", "b"])
        usleep(1_000_000)
        // Fenced: what the old leader sent after it woke up was only what it had started
        // before it hung (breaches due by then); everything due later came from the new one.
        let late = try fixture.hooks(from: "a").filter { $0.at >= resumed.timeIntervalSince1970 }
        for (key, _) in late {
            let ticket = try #require(SharedStateFixture.ticket(of: key))
            #expect(fixture.dueAt[ticket] <= stopped, "\(key) was due after the pause but sent by the paused leader")
        }
        let hooks = try ["a", "b"].flatMap { try fixture.hooks(from: $0).map(\.key) }
        #expect(Set(hooks.compactMap(SharedStateFixture.ticket(of:))) == Set(0..<fixture.tickets))
        #expect(hooks.count - Set(hooks).count <= 1, "\(hooks.count - Set(hooks).count) webhooks twice")
        #expect(a.process.isRunning && b.process.isRunning)
    }

    @Test func postgreSQLRestartedUnderBothDaemons() throws {
        let fixture = try SharedStateFixture(tickets: 12, firstDueIn: 3)
        defer { fixture.remove() }
        let (a, b) = try fixture.startLeaderAndStandby()
        defer {
            _ = a.terminate(SIGKILL)
            _ = b.terminate(SIGKILL)
        }
        usleep(2_000_000)
        let leads = a.count("role: leader") + b.count("role: leader")
        try fixture.server.restart()
        // The server's restart ends every session: both daemons reconnect, and one leads.
        let deadline = Date() + 15
        while a.count("role: leader") + b.count("role: leader") <= leads, Date() < deadline { usleep(100_000) }
        #expect(a.count("role: leader") + b.count("role: leader") > leads, "a: \(a.stderr)\nb: \(b.stderr)")
        try fixture.waitForEverything(names: ["a", "b"])
        usleep(1_000_000)
        #expect([a.role, b.role].filter { $0 == "leader" }.count == 1, "roles: \(String(describing: a.role)), \(String(describing: b.role))")
        let hooks = try ["a", "b"].flatMap { try fixture.hooks(from: $0).map(\.key) }
        let logs = ["a", "b"].flatMap(fixture.logged(by:))
        #expect(Set(hooks.compactMap(SharedStateFixture.ticket(of:))) == Set(0..<fixture.tickets))
        #expect(Set(logs.compactMap(SharedStateFixture.ticket(of:))) == Set(0..<fixture.tickets))
        #expect(a.process.isRunning && b.process.isRunning)
    }
}
