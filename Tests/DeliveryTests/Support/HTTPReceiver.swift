import Delivery
import Foundation
import Transport

/// The Python HTTP receiver (`Fixtures/http_receiver.py`), one per test process; tests keep
/// apart by a token of their own in the path.
struct HTTPReceiver: Sendable {
    let process: FixtureProcess
    let transport: CurlTransport

    private static let started = Task { () throws -> HTTPReceiver in
        HTTPReceiver(process: try await FixtureProcess.start("http_receiver.py"), transport: try CurlTransport())
    }

    static func shared() async throws -> HTTPReceiver {
        try await started.value
    }

    var port: Int { process.port }

    /// A fresh token and the base URL under it.
    func endpoint(_ behaviour: String) -> (token: String, url: String) {
        let token = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return (token, "http://127.0.0.1:\(port)/\(token)/\(behaviour)")
    }

    /// Waits (at most 5 s) until the receiver has recorded a request under `token`: the
    /// exchange is then in progress on the receiver's side.
    func waitForRequest(_ token: String) async throws {
        for _ in 0..<250 {
            if try await !records(token).isEmpty { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw FixtureError("no request reached the receiver under \(token)")
    }

    /// What the receiver recorded under `token`, oldest first.
    func records(_ token: String) async throws -> [ReceivedRequest] {
        let response = try await transport.send(
            HTTPRequest(method: .get, url: Secret("http://127.0.0.1:\(port)/_records/\(token)")))
        return try JSONDecoder().decode([ReceivedRequest].self, from: response.body)
    }
}
