import Foundation
public import Hummingbird
public import Logging
public import Service
import SLAEngine
import StateStore
public import Transport

/// `POST /slack/actions` for a Slack app with interactivity: the Acknowledge and Snooze
/// buttons of Slack messages carry the signed token as their value.
///
/// The request's `v0` signature is checked in constant time and a timestamp more than five
/// minutes off is refused (401), so a captured request cannot be replayed later. The
/// answer goes out at once (Slack wants one within 3 s); the hold is recorded after, as for
/// a link, and the message the button was on is then updated through the payload's
/// `response_url` to show who acknowledged (`SlackUpdate`).
public struct SlackRoutes: Sendable {
    let credentials: ListenerCredentials
    let desk: ActionDesk
    let logger: Logger
    /// Posts to `response_url`; nil leaves messages as they are.
    let transport: (any HTTPTransport)?

    /// The signing secret and the link keys are read from `credentials` at each request;
    /// without a signing secret the route answers 404.
    public init(credentials: ListenerCredentials, desk: ActionDesk, logger: Logger, transport: (any HTTPTransport)? = nil) {
        self.credentials = credentials
        self.desk = desk
        self.logger = logger
        self.transport = transport
    }

    public func install(on router: Router<ListenerContext>) {
        router.post("/slack/actions") { request, _ in await handle(request) }
        router.refuseOtherMethods(at: "/slack/actions", allowing: [.post])
    }

    private func handle(_ request: Request) async -> Response {
        let now = Date()
        let current = credentials.now
        guard let signature = current.slack else { return Page.plain(.notFound, "Slack buttons are off\n") }
        guard let buffer = try? await request.body.collect(upTo: ListenerContext.bodyLimit) else {
            return Page.plain(.contentTooLarge, "too large\n")
        }
        let body = Data(buffer: buffer)
        let headers = request.headers
        let given = headers.first { $0.name.canonicalName == "x-slack-signature" }?.value ?? ""
        let timestamp = headers.first { $0.name.canonicalName == "x-slack-request-timestamp" }?.value ?? ""
        guard signature.verifies(signature: given, timestamp: timestamp, body: body, at: now) else {
            return Page.plain(.unauthorized, "the request is not signed by the configured Slack app, or is stale\n")
        }
        guard let keys = current.actionKeys, let payload = Form.decode(buffer)["payload"],
              let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any],
              let action = (object["actions"] as? [[String: Any]])?.first, let value = action["value"] as? String,
              let token = ActionToken.verify(value, keys: keys, at: now)
        else { return Page.plain(.ok, "") }
        let user = object["user"] as? [String: Any]
        let name = (user?["name"] as? String) ?? (user?["username"] as? String) ?? (user?["id"] as? String) ?? "someone in Slack"
        guard let by = ActionDesk.name(name) else { return Page.plain(.ok, "") }
        let desk = desk, logger = logger, transport = transport
        let update = SlackUpdate(payload: object, token: value)
        // Answered at once; the hold is recorded after, then the message updated.
        Task {
            let outcome: HoldOutcome
            do {
                outcome = try await desk.answer(
                    source: token.source, ticketID: token.ticketID, metric: token.metric, cycle: token.cycle,
                    kind: token.action == .ack ? .ack : .snooze, by: by, seconds: nil, via: .slack, at: now)
            } catch {
                logger.error("cannot record an answer", metadata: ["error": "\(error)", "via": "slack"])
                return
            }
            if case .recorded(let hold) = outcome {
                logger.info("\(hold.verb)", metadata: [
                    "ticket": "\(token.ticketID)", "source": "\(token.source)", "metric": "\(token.metric.rawValue)",
                    "cycle": "\(token.cycle)", "by": "\(by)", "until": "\(Timestamp(hold.until))", "via": "slack",
                ])
            }
            guard let transport, let update else { return }
            await update.send(outcome, ticketID: token.ticketID, through: transport, logger: logger)
        }
        return Page.plain(.ok, "")
    }
}
