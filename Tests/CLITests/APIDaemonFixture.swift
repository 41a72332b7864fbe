import Foundation
import Glibc

/// A daemon's directory for the process tests of the API: a configuration, tickets, an API
/// token, `log` channels under `out/`, and the state, read back with Python's sqlite3.
struct APIDaemonFixture {
    static let token = "api-token-for-tests-0123456789abcdef-SECRET"

    let directory: URL
    let port: Int
    var config: String { directory.appendingPathComponent("slawatch.yaml").path }
    var state: String { directory.appendingPathComponent("state.db").path }
    var tickets: String { directory.appendingPathComponent("tickets.json").path }

    /// `body` is the configuration after `state`, `listen` and `api_token_file`; `PORT` in
    /// it stands for the listener's port.
    init(_ name: String, configuration body: String, tickets: String = "[]") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-\(name)-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = ActionLinkProcessTests.freePort()
        try (Self.token + "\n").write(to: directory.appendingPathComponent("api-token"), atomically: true, encoding: .utf8)
        try writeTickets(tickets)
        try """
            state: state.db
            listen: 127.0.0.1:\(port)
            api_token_file: api-token
            \(body.replacingOccurrences(of: "PORT", with: String(port)))
            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    func writeTickets(_ text: String) throws {
        try text.write(toFile: tickets, atomically: true, encoding: .utf8)
    }

    /// The JSON lines a `log` channel wrote to `out/NAME.jsonl`.
    func lines(_ channel: String) -> [[String: Any]] {
        let path = directory.appendingPathComponent("out/\(channel).jsonl").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// The ids of the tickets each line of a channel was about, in order.
    func tickets(_ channel: String) -> [String] {
        lines(channel).flatMap { line in (line["tickets"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
    }

    /// Rows of the state, `|`-separated.
    func query(_ sql: String) throws -> [String] {
        try SlawatchProcess.runTool("/usr/bin/python3", [
            "-c", "import sqlite3,sys\nfor row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print('|'.join(map(str,row)))",
            state, sql,
        ]).stdout.split(separator: "\n").map(String.init)
    }

    /// `slawatch ARGS --config CONFIG`.
    func slawatch(_ arguments: [String], environment: [String: String] = [:]) throws -> SlawatchProcess.Result {
        try SlawatchProcess.run(arguments + ["--config", config], environment: environment)
    }

    /// A raw request to the listener (or to the full URL `path`): status and body, with the
    /// token as a bearer token unless `token` is nil.
    func request(_ method: String, _ path: String, json: String? = nil, token: String? = APIDaemonFixture.token) throws -> (status: Int, body: String) {
        let result = try SlawatchProcess.runTool("/usr/bin/python3", [
            "-c", """
            import sys, urllib.request, urllib.error
            method, url, token, body = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
            request = urllib.request.Request(url, data=body.encode() if body else None, method=method)
            if token: request.add_header("Authorization", "Bearer " + token)
            if body: request.add_header("Content-Type", "application/json")
            try:
                with urllib.request.urlopen(request, timeout=10) as response: print(response.status); print(response.read().decode())
            except urllib.error.HTTPError as error: print(error.code); print(error.read().decode())
            """, method, path.hasPrefix("http") ? path : "http://127.0.0.1:\(port)\(path)", token ?? "", json ?? "",
        ])
        let parts = result.stdout.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        return (Int(parts.first ?? "") ?? -1, parts.count > 1 ? String(parts[1]) : "")
    }

    /// Waits until the listener answers (the daemon is up).
    func waitForListener(_ seconds: Double = 10) -> Bool {
        waitFor(seconds) { (try? request("GET", "/healthz").status) == 200 }
    }

    func waitFor(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    /// An RFC 3339 instant.
    static func stamp(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
