import Foundation
import Logging
import Synchronization
import Testing
import Service

@Suite("JournalLogHandler")
struct JournalLogHandlerTests {
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func output(identity: JournalLogHandler.Output.StreamIdentity? = nil) -> JournalLogHandler.Output {
            JournalLogHandler.Output(streamIdentity: identity) { line in self.lines.withLock { $0.append(line) } }
        }
    }

    static let instant = Date(timeIntervalSince1970: 1_790_000_000.123)

    func logger(_ environment: [String: String], _ lines: Lines, identity: JournalLogHandler.Output.StreamIdentity? = nil) -> Logger {
        var logger = Logger(label: "slawatch") { label in
            JournalLogHandler(label: label, environment: environment, output: lines.output(identity: identity), metadataProvider: nil, now: { Self.instant })
        }
        logger.logLevel = .debug
        return logger
    }

    @Test("under journald: <priority>, no timestamp, metadata sorted and quoted where needed")
    func journalLine() {
        let lines = Lines()
        let log = logger(["JOURNAL_STREAM": "8:123456"], lines)
        log.warning("threshold crossed", metadata: [
            "ticket": "T-1042", "metric": "first_response", "step": "75%", "channel": "support leads",
            "note": "said \"soon\"\nthen left", "path": #"C:\tmp"#, "empty": "",
        ])
        #expect(lines.all == [
            #"<4>threshold crossed channel="support leads" empty="" metric=first_response note="said \"soon\"\nthen left" path="C:\\tmp" step=75% ticket=T-1042"# + "\n",
        ])
    }

    @Test("without JOURNAL_STREAM: UTC timestamp and level first")
    func consoleLine() {
        let lines = Lines()
        let log = logger([:], lines)
        log.info("tick", metadata: ["tickets": "12", "next_wake": "2026-09-21T14:14:20Z"])
        #expect(lines.all == ["2026-09-21T14:13:20.123Z info tick next_wake=2026-09-21T14:14:20Z tickets=12\n"])
    }

    @Test("syslog priorities by level", arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func priorities(level: Logger.Level, priority: Int) {
        let lines = Lines()
        var log = logger(["JOURNAL_STREAM": "8:1"], lines)
        log.logLevel = .trace
        log.log(level: level, "m")
        #expect(lines.all == ["<\(priority)>m\n"])
    }

    @Test("an event is never more than one line")
    func oneLine() {
        let lines = Lines()
        let log = logger(["JOURNAL_STREAM": "8:1"], lines)
        log.error("first\nsecond\r\tthird\u{1B}[31m", metadata: ["key with space": "v", "list": ["a b", "c"], "nested": ["z": "1", "a": "2"]])
        let line = lines.all[0]
        #expect(line == #"<3>first\nsecond\r\tthird\u{1B}[31m key_with_space=v list="[a b, c]" nested="[a: 2, z: 1]""# + "\n")
        #expect(line.dropLast().contains("\n") == false)
    }

    @Test("handler, provider and event metadata merge; the event wins; errors are included")
    func metadataMerge() {
        struct Timeout: Error, CustomStringConvertible { var description: String { "timed out after 30s" } }
        let lines = Lines()
        var log = Logger(label: "slawatch") { label in
            JournalLogHandler(
                label: label, environment: ["JOURNAL_STREAM": "1:2"], output: lines.output(),
                metadataProvider: Logger.MetadataProvider { ["source": "zendesk"] }
            )
        }
        log[metadataKey: "channel"] = "ops"
        log[metadataKey: "ticket"] = "T-1"
        log.debug("hidden at info")
        log.info("polled", metadata: ["ticket": "T-2"])
        log.error("poll failed", error: Timeout())
        #expect(lines.all == [
            "<6>polled channel=ops source=zendesk ticket=T-2\n",
            #"<3>poll failed channel=ops error="timed out after 30s" source=zendesk ticket=T-1"# + "\n",
        ])
    }

    @Test("JOURNAL_STREAM counts only when it names the stream written to", arguments: [
        ("8:123456", JournalLogHandler.Style.journal),
        ("8:654321", .console),
        ("garbage", .console),
        ("", .console),
    ])
    func streamIdentity(journalStream: String, style: JournalLogHandler.Style) {
        let identity = JournalLogHandler.Output.StreamIdentity(device: 8, inode: 123_456)
        let handler = JournalLogHandler(label: "l", environment: ["JOURNAL_STREAM": journalStream], output: Lines().output(identity: identity))
        #expect(handler.style == style)
        #expect(JournalLogHandler(label: "l", environment: [:], output: Lines().output(identity: identity)).style == .console)
    }
}
