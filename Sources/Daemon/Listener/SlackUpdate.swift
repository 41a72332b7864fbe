import Foundation
import Logging
import SLAEngine
import StateStore
import Transport

/// The update of a Slack message after someone pressed its Acknowledge or Snooze button:
/// posted to the interaction's `response_url` (Slack keeps it valid for 30 minutes, five
/// uses), it replaces the pressed button's row with who answered, when, and until when,
/// and keeps the rest of the message as it was.
///
/// `response_url` must be `https`, or `http` on loopback (a local proxy, a test); anything
/// else is not posted to. It is never logged: it lets anyone post to the channel.
struct SlackUpdate: Sendable {
    let responseURL: String
    /// The message as Slack sent it back, as JSON text; nil when the payload has none.
    let blocks: String?
    let text: String
    /// The pressed button's value: the signed token.
    let token: String

    /// The update a block_actions payload calls for; nil without a usable `response_url`.
    init?(payload: [String: Any], token: String) {
        guard let url = payload["response_url"] as? String, SlackUpdate.allows(url) else { return nil }
        responseURL = url
        self.token = token
        let message = payload["message"] as? [String: Any]
        text = message?["text"] as? String ?? ""
        blocks = (message?["blocks"] as? [Any]).flatMap { try? JSONSerialization.data(withJSONObject: $0) }
            .map { String(decoding: $0, as: UTF8.self) }
    }

    static func allows(_ url: String) -> Bool {
        guard let parts = URLComponents(string: url), let host = parts.host?.lowercased(), !host.isEmpty else { return false }
        return parts.scheme == "https" || (parts.scheme == "http" && ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host))
    }

    /// One line saying what became of the press.
    static func line(_ outcome: HoldOutcome, ticketID: String) -> String {
        switch outcome {
        case .recorded(let hold):
            "\(hold.verb.prefix(1).uppercased() + hold.verb.dropFirst()) by \(hold.by) at \(Timestamp(hold.at)): "
                + "escalation of \(ticketID) is held until \(Timestamp(hold.until))."
        case .already(let hold):
            "Already \(hold.verb) by \(hold.by) at \(Timestamp(hold.at)); escalation of \(ticketID) is held until \(Timestamp(hold.until))."
        }
    }

    /// The body posted: the message with the pressed row replaced, or the line alone.
    func body(_ outcome: HoldOutcome, ticketID: String) -> Data {
        let line = SlackUpdate.line(outcome, ticketID: ticketID)
        let note: [String: Any] = ["type": "context", "elements": [["type": "mrkdwn", "text": line]]]
        var object: [String: Any] = ["replace_original": true, "text": text.isEmpty ? line : text]
        if let blocks, let parsed = try? JSONSerialization.jsonObject(with: Data(blocks.utf8)) as? [[String: Any]] {
            var replaced = false
            object["blocks"] = parsed.map { block -> [String: Any] in
                let elements = block["elements"] as? [[String: Any]] ?? []
                guard block["type"] as? String == "actions", elements.contains(where: { $0["value"] as? String == token }) else {
                    return block
                }
                replaced = true
                return note
            } + (replaced ? [] : [note])
        } else {
            object = ["replace_original": false, "text": line]
        }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    /// Posts the update; a failure is logged (without the URL) and not retried: the hold is
    /// recorded and the channel hears "acknowledged by" from the daemon anyway.
    func send(_ outcome: HoldOutcome, ticketID: String, through transport: any HTTPTransport, logger: Logger) async {
        let request = HTTPRequest(
            method: .post, url: Secret(responseURL), headers: [HTTPHeader("Content-Type", "application/json")],
            body: body(outcome, ticketID: ticketID), timeout: 10)
        do {
            let response = try await transport.send(request)
            if !(200..<300).contains(response.status) {
                logger.warning("Slack message not updated", metadata: ["status": "\(response.status)", "host": "\(request.host)"])
            }
        } catch {
            logger.warning("Slack message not updated", metadata: ["error": "\(error)"])
        }
    }
}
