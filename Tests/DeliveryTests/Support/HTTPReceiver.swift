import Delivery
import Foundation

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

    /// What the receiver recorded under `token`, oldest first.
    func records(_ token: String) async throws -> [ReceivedRequest] {
        let response = try await transport.send(
            HTTPRequest(method: .get, url: Credential("http://127.0.0.1:\(port)/_records/\(token)")))
        return try JSONDecoder().decode([ReceivedRequest].self, from: response.body)
    }
}
