import Testing
import Service

@Suite("WatchdogGate")
struct WatchdogGateTests {
    let gate = WatchdogGate(interval: .seconds(60))
    let start = ContinuousClock.now

    func at(_ seconds: Int) -> ContinuousClock.Instant { start + .seconds(seconds) }

    @Test("pings at once, then every half interval")
    func cadence() {
        #expect(gate.pingInterval == .seconds(30))
        #expect(gate.decide(now: at(0), lastProgress: at(0), lastPing: nil) == .ping)
        #expect(gate.decide(now: at(10), lastProgress: at(5), lastPing: at(0)) == .wait(until: at(30)))
        #expect(gate.decide(now: at(30), lastProgress: at(25), lastPing: at(0)) == .ping)
        #expect(gate.decide(now: at(31), lastProgress: at(25), lastPing: at(0)) == .ping)
    }

    @Test("wakes early when the loop would go stale before the next ping")
    func waitsForTheEarlierEvent() {
        #expect(gate.decide(now: at(100), lastProgress: at(55), lastPing: at(80)) == .wait(until: at(110)))
        #expect(gate.decide(now: at(100), lastProgress: at(45), lastPing: at(80)) == .wait(until: at(105)))
    }

    @Test("withholds once the loop has made no progress for a whole interval")
    func withholds() {
        #expect(gate.decide(now: at(59), lastProgress: at(0), lastPing: at(20)) == .ping)
        #expect(gate.decide(now: at(60), lastProgress: at(0), lastPing: at(30)) == .withhold(stalledFor: .seconds(60)))
        #expect(gate.decide(now: at(200), lastProgress: at(0), lastPing: nil) == .withhold(stalledFor: .seconds(200)))
    }

    @Test("a loop that stops is restarted by systemd within two intervals; a healthy one never is")
    func simulation() throws {
        // The loop marks progress every 20 s until it hangs at 300 s; the pinger asks the
        // gate every second. systemd restarts when 60 s pass without a ping.
        let hangsAt = 300
        var lastPing: ContinuousClock.Instant?
        var lastProgress = at(0)
        var restartedAt: Int?
        for second in 0...600 {
            if second < hangsAt, second % 20 == 0 { lastProgress = at(second) }
            if gate.decide(now: at(second), lastProgress: lastProgress, lastPing: lastPing) == .ping {
                lastPing = at(second)
            }
            if let lastPing, lastPing.duration(to: at(second)) >= .seconds(60) {
                restartedAt = second
                break
            }
        }
        let restart = try #require(restartedAt)
        #expect(restart > hangsAt)
        #expect(restart <= hangsAt + 120)
    }

    @Test("the heartbeat keeps the latest mark")
    func heartbeat() {
        let heartbeat = LoopHeartbeat(now: at(0))
        heartbeat.beat(at: at(10))
        heartbeat.beat(at: at(5))
        #expect(heartbeat.lastBeat == at(10))
    }
}
