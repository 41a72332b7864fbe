import Foundation
import Testing

/// The source tests' fake helpdesk (`vendor_server.py`) as a process, serving at `/wb` the
/// Zendesk tickets of `vendors/daemon_writeback.json` (ticket 42, long breached): what
/// write-back tests tag and reprioritise.
struct FakeZendesk {
    let server: SlawatchProcess.Running
    let port: Int
    /// The base URL a `zendesk` source takes.
    var url: String { "http://127.0.0.1:\(port)/wb" }

    static let fetch = "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(urllib.request.Request(sys.argv[1], "
        + "data=sys.argv[2].encode() if len(sys.argv) > 2 else None)).read().decode())"

    init(scenario: String = "vendors/daemon_writeback.json", testFile: String = #filePath) throws {
        let script = URL(fileURLWithPath: testFile).deletingLastPathComponent()
            .appendingPathComponent("../TicketSourcesTests/Fixtures/vendor_server.py").standardized.path
        server = try SlawatchProcess.start("/usr/bin/python3", [script])
        #expect(server.waitForLine(containing: "PORT "))
        port = try #require(server.stdout.split(separator: "\n").first { $0.hasPrefix("PORT ") }.flatMap { Int($0.dropFirst(5)) })
        _ = try SlawatchProcess.runTool(
            "/usr/bin/python3", ["-c", FakeZendesk.fetch, "http://127.0.0.1:\(port)/_load/wb?file=\(scenario)", ""])
    }

    /// Every request it answered, oldest first: `method`, `path`, `body`.
    func requests() throws -> [[String: Any]] {
        let records = try SlawatchProcess.runTool("/usr/bin/python3", ["-c", FakeZendesk.fetch, "http://127.0.0.1:\(port)/_records/wb"])
        return try #require(try JSONSerialization.jsonObject(with: Data(records.stdout.utf8)) as? [[String: Any]])
    }

    func stop() { server.terminate(SIGKILL) }
}
