import Foundation
import Synchronization
import Transport

/// A transport that answers from a script, one entry per request (the last repeating), and
/// records what it was sent: for the retry and pacing rules, without a server.
final class ScriptedTransport: HTTPTransport {
    enum Answer: Sendable {
        case status(Int, [HTTPHeader], String)
        case failure(TransportError.Code)
    }

    private let script: [Answer]
    private let sent = Mutex<[HTTPRequest]>([])

    init(_ script: [Answer]) {
        self.script = script
    }

    var requests: [HTTPRequest] { sent.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let index = sent.withLock { sent in
            sent.append(request)
            return sent.count - 1
        }
        switch script[min(index, script.count - 1)] {
        case .status(let status, let headers, let body):
            return HTTPResponse(status: status, headers: headers, body: Data(body.utf8))
        case .failure(let code):
            throw TransportError(
                code: code, host: request.host, message: "scripted \(code.rawValue) talking to \(request.host)",
                recoverable: code == .timeout || code == .connection)
        }
    }
}
