import Foundation
import Testing
import TestSupport

/// Daemons sharing one PostgreSQL state, as ops run them on two hosts: each with its own
/// configuration file (the same but for its `log` file and its webhook's path, so a test
/// can tell who sent what), one tickets file whose tickets breach one a second.
struct SharedStateFixture {
    let directory: URL
    let server: PostgresServer
    let database: String
    let receiver: HTTPReceiver
    let tickets: Int
    /// When each ticket `S-n` breaches (`n` from 0).
    let dueAt: [Date]
    static let lease = 3

    init(tickets: Int, firstDueIn: Double, names: [String] = ["a", "b"]) throws {
        server = try PostgresServer.shared()
        database = try server.createDatabase()
        receiver = try HTTPReceiver()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-shared-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.tickets = tickets
        // Whole seconds, as the tickets file writes them; a first response is due a minute on.
        let first = (Date() + firstDueIn - 60).timeIntervalSince1970.rounded(.up)
        let created = (0..<tickets).map { Date(timeIntervalSince1970: first + Double($0)) }
        dueAt = created.map { $0 + 60 }
        let formatter = ISO8601DateFormatter()
        let items = created.enumerated().map { n, at in
            #"{"id": "S-\#(n)", "status": "open", "customer": {"id": "c"}, "created_at": "\#(formatter.string(from: at))"}"#
        }
        try ("[" + items.joined(separator: ",") + "]").write(to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
        for name in names {
            try """
                state: "\(server.socketURL(database))"
                lease: \(SharedStateFixture.lease)s
                poll_interval: 60s
                listen: 127.0.0.1:0
                sources:
                  - { name: file, type: file, path: tickets.json }
                policies:
                  - name: all
                    targets: { any: { first_response: 1m } }
                teams:
                  default: { manager: [leads, hooks] }
                ladders:
                  default:
                    - { at: breach, notify: manager }
                channels:
                  leads: { type: log, path: leads-\(name).jsonl, digest: false }
                  hooks: { type: webhook, url: "\(receiver.url(name, "ok"))", timeout: 5s }
                """.write(to: directory.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
    }

    func config(_ name: String) -> String { directory.appendingPathComponent("\(name).yaml").path }

    func start(_ name: String) throws -> SlawatchProcess.Running {
        try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", config(name)])
    }

    /// Starts `a`, waits until it leads, then `b`, until it stands by.
    func startLeaderAndStandby() throws -> (SlawatchProcess.Running, SlawatchProcess.Running) {
        try SharedStateFixture.startLeaderAndStandby(start)
    }

    /// Starts `a` with `start`, waits until it leads, then `b`, until it stands by.
    static func startLeaderAndStandby(
        _ start: (String) throws -> SlawatchProcess.Running
    ) throws -> (SlawatchProcess.Running, SlawatchProcess.Running) {
        let a = try start("a")
        #expect(a.waitForLine(containing: "role: leader", stream: .stderr, timeout: .seconds(20)), "\(a.stderr)")
        let b = try start("b")
        #expect(b.waitForLine(containing: "role: standby", stream: .stderr, timeout: .seconds(20)), "\(b.stderr)")
        return (a, b)
    }

    /// The ticket a message key is about (`file:S-7/…`).
    static func ticket(of key: String) -> Int? {
        guard let range = key.range(of: #"S-\d+"#, options: .regularExpression) else { return nil }
        return Int(key[range].dropFirst(2))
    }

    /// Webhooks received from daemon `name`: the message key and when it arrived.
    func hooks(from name: String) throws -> [(key: String, at: Double)] {
        try receiver.records(name).compactMap { record in
            guard let key = (record["headers"] as? [[String]] ?? []).first(where: { $0[0].lowercased() == "webhook-id" })?[1]
            else { return nil }
            return (key, record["at"] as? Double ?? 0)
        }
    }

    /// The keys daemon `name` wrote to its `log` channel; a line cut short by a kill is left out.
    func logged(by name: String) -> [String] {
        LogFile(directory.appendingPathComponent("leads-\(name).jsonl").path).keys
    }

    /// Waits until every ticket's breach reached both channels (from whichever daemon).
    func waitForEverything(names: [String], timeout: TimeInterval = 40) throws {
        let deadline = Date() + timeout
        while Date() < deadline {
            let hooks = Set(try names.flatMap { try self.hooks(from: $0).map(\.key) })
            let logs = Set(names.flatMap(logged(by:)))
            if hooks.count >= tickets && logs.count >= tickets { return }
            usleep(200_000)
        }
    }

    func remove() {
        receiver.process.terminate(SIGKILL)
        try? FileManager.default.removeItem(at: directory)
    }
}

extension SlawatchProcess.Running {
    /// How many times a text appears in what the daemon logged.
    func count(_ text: String) -> Int { stderr.components(separatedBy: text).count - 1 }

    /// The last role the daemon announced.
    var role: String? {
        let log = stderr
        let leader = log.range(of: "role: leader", options: .backwards)?.lowerBound
        let standby = log.range(of: "role: standby", options: .backwards)?.lowerBound
        switch (leader, standby) {
        case (let l?, let s?): return l > s ? "leader" : "standby"
        case (_?, nil): return "leader"
        case (nil, _?): return "standby"
        default: return nil
        }
    }

    /// Waits until `text` has appeared more than `seen` times; returns when, or nil.
    func waitForCount(of text: String, above seen: Int, timeout: TimeInterval) -> Date? {
        let deadline = Date() + timeout
        while Date() < deadline {
            if count(text) > seen { return Date() }
            if !process.isRunning { return nil }
            usleep(20_000)
        }
        return nil
    }
}
