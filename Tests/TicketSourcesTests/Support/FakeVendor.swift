import Foundation
import Transport

/// The fake helpdesk (`Fixtures/vendor_server.py`), one per test process; each test loads
/// a scenario under a token of its own and points its source at `base`.
struct FakeVendor: Sendable {
    let process: FixtureProcess
    let transport: CurlTransport

    private static let started = Task { () throws -> FakeVendor in
        FakeVendor(process: try await FixtureProcess.start("vendor_server.py"), transport: try CurlTransport())
    }

    static func shared() async throws -> FakeVendor {
        try await started.value
    }

    /// Loads `Fixtures/vendors/<file>` under a fresh token; returns the token and its base URL.
    func load(_ file: String) async throws -> (token: String, base: String) {
        let token = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let response = try await transport.send(HTTPRequest(
            method: .post, url: Secret("http://127.0.0.1:\(process.port)/_load/\(token)?file=vendors/\(file)")))
        guard response.status == 204 else { throw FixtureError("loading \(file) answered \(response.status)") }
        return (token, "http://127.0.0.1:\(process.port)/\(token)")
    }

    /// What the server recorded under `token`, oldest first.
    func records(_ token: String) async throws -> [ReceivedRequest] {
        let response = try await transport.send(
            HTTPRequest(method: .get, url: Secret("http://127.0.0.1:\(process.port)/_records/\(token)")))
        return try JSONDecoder().decode([ReceivedRequest].self, from: response.body)
    }
}
