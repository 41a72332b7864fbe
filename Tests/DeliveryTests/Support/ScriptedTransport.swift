import Delivery
import Foundation
import Synchronization
import Transport

/// An HTTP and mail transport that answers from a script and records what it was sent.
final class ScriptedTransport: HTTPTransport, MailTransport {
    enum Step: Sendable {
        case answer(Int, headers: [HTTPHeader] = [], body: String = "")
        case fail(TransportError)
        case mailAccepted
    }

    private let state: Mutex<(steps: [Step], http: [HTTPRequest], mail: [MailRequest])>
    private let onSend: @Sendable (Int) -> Void

    /// Steps are used in order; the last one repeats. `onSend` sees each attempt's number.
    init(_ steps: [Step], onSend: @escaping @Sendable (Int) -> Void = { _ in }) {
        state = Mutex((steps, [], []))
        self.onSend = onSend
    }

    var httpRequests: [HTTPRequest] { state.withLock { $0.http } }
    var mailRequests: [MailRequest] { state.withLock { $0.mail } }

    private func next() -> (Step, Int) {
        state.withLock { state in
            let step = state.steps.count > 1 ? state.steps.removeFirst() : state.steps[0]
            return (step, state.http.count + state.mail.count)
        }
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        state.withLock { $0.http.append(request) }
        let (step, count) = next()
        onSend(count)
        switch step {
        case .answer(let status, let headers, let body):
            return HTTPResponse(status: status, headers: headers, body: Data(body.utf8))
        case .fail(let error):
            throw error
        case .mailAccepted:
            return HTTPResponse(status: 200)
        }
    }

    func send(_ mail: MailRequest) async throws -> MailResponse {
        state.withLock { $0.mail.append(mail) }
        let (step, count) = next()
        onSend(count)
        switch step {
        case .fail(let error): throw error
        default: return MailResponse(code: 250, reply: "250 2.0.0 Ok: queued")
        }
    }
}
