import Foundation
public import Hummingbird
public import Logging
public import Service
import SLAConfig
public import SLAEngine
import StateStore

/// The signed action links on the listener: `GET /a/{token}` shows a page and never acts
/// (mail scanners open links), `POST /a/{token}` acts and is idempotent.
///
/// Any request under `/a/` whose token does not verify (tampered, foreign key, expired,
/// malformed, extra path segments) answers 403 with nothing that helps a forger, and
/// changes nothing; more than 20 such failures a minute from one address answer 429.
public struct ActionRoutes: Sendable {
    let credentials: ListenerCredentials
    let desk: ActionDesk
    /// The ticket as last polled (by source and id), for the page; nil when not in view.
    let ticket: @Sendable (String, String) async -> Ticket?
    /// The open clocks of a ticket, as the API reads them: a link acts only on an open one.
    let openClocks: APIRoutes.OpenClocks
    let limiter: FailureLimiter
    let logger: Logger

    /// The keys are read from `credentials` at each request; without keys no link verifies.
    public init(
        credentials: ListenerCredentials, desk: ActionDesk, logger: Logger, ticket: @escaping @Sendable (String, String) async -> Ticket?,
        openClocks: @escaping APIRoutes.OpenClocks
    ) {
        self.credentials = credentials
        self.desk = desk
        self.ticket = ticket
        self.openClocks = openClocks
        self.logger = logger
        limiter = FailureLimiter()
    }

    /// Adds the routes to `router`.
    public func install(on router: Router<ListenerContext>) {
        router.get("/a/:token") { request, context in await self.respond(request, context, acting: false) }
        router.post("/a/:token") { request, context in await self.respond(request, context, acting: true) }
        router.refuseOtherMethods(at: "/a/:token", allowing: [.get, .post])
        for method in [HTTPRequest.Method.get, .post, .head, .put, .delete] {
            router.on("/a/:token/**", method: method) { _, context in self.refuse(context) }
            router.on("/a", method: method) { _, context in self.refuse(context) }
        }
    }

    private func respond(_ request: Request, _ context: ListenerContext, acting: Bool) async -> Response {
        let now = Date()
        let address = context.peer?.ip ?? "-"
        if limiter.isLimited(address, at: now) { return Page.plain(.tooManyRequests, "too many refused links from this address; wait a minute\n") }
        guard let keys = credentials.now.actionKeys, let text = context.parameters.get("token"),
              let token = ActionToken.verify(text, keys: keys, at: now) else {
            return refuse(context)
        }
        let kind: ClockHold.Kind = token.action == .ack ? .ack : .snooze
        let polled = await ticket(token.source, token.ticketID)
        // A link outlives its clock (met, the ticket solved or gone): it holds nothing then,
        // as the API's 404 says, and records nothing.
        let isOpen = await openClocks(token.source, token.ticketID, token.metric, now).contains { $0.cycle == token.cycle }
        guard isOpen else {
            return Page.html(.notFound, Page.message(
                title: "Nothing to hold",
                "The \(token.metric.words) of \(token.ticketID) is no longer open here (met, or the ticket solved or gone), "
                    + "so there is no escalation to hold."))
        }
        guard acting else {
            let holds = (try? await desk.store.holds(ticketID: token.ticketID)) ?? []
            let standing = holds.last { $0.clockKey == ClockKey.make(TicketKey.make(token.source, token.ticketID), token.metric, token.cycle) && $0.hold.holds(at: now) }
            return Page.html(.ok, Page.form(token: token, ticket: polled, standing: standing?.hold, defaultFor: kind == .ack
                ? desk.settings.ackFor : desk.settings.snoozeFor))
        }
        let form: [String: String]
        do {
            form = Form.decode(try await request.body.collect(upTo: ListenerContext.bodyLimit))
        } catch {
            return Page.plain(.contentTooLarge, "the form is too large\n")
        }
        guard let by = form["by"].flatMap(ActionDesk.name) else {
            return Page.html(.badRequest, Page.message(title: "Your name is needed", "Go back and give your name in the form."))
        }
        var seconds: Int?
        if let written = form["for"], !written.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let parsed = WrittenDuration.seconds(written), parsed <= ActionSettings.longestHold else {
                return Page.html(.badRequest, Page.message(title: "Not a duration", "Write a duration such as 30m, 4h or 1h30m (at most 30d)."))
            }
            seconds = parsed
        }
        do {
            let outcome = try await desk.answer(
                source: token.source, ticketID: token.ticketID, metric: token.metric, cycle: token.cycle, kind: kind, by: by,
                seconds: seconds, via: .link, at: now)
            switch outcome {
            case .recorded(let hold):
                logger.info("\(hold.verb)", metadata: [
                    "ticket": "\(token.ticketID)", "source": "\(token.source)", "metric": "\(token.metric.rawValue)",
                    "cycle": "\(token.cycle)", "by": "\(by)", "until": "\(Timestamp(hold.until))", "via": "link",
                ])
                return Page.html(.ok, Page.message(
                    title: "\(hold.verb.capitalized) \(token.ticketID)",
                    "\(hold.verb.capitalized) by \(hold.by) at \(Timestamp(hold.at)): escalation of its \(token.metric.words) is held until \(Timestamp(hold.until)), or until it is met."))
            case .already(let hold):
                return Page.html(.ok, Page.message(
                    title: "Already \(hold.verb)",
                    "Already \(hold.verb) by \(hold.by) at \(Timestamp(hold.at)); escalation is held until \(Timestamp(hold.until))."))
            }
        } catch {
            logger.error("cannot record an answer", metadata: ["error": "\(error)"])
            return Page.plain(.serviceUnavailable, "the answer could not be recorded; try again\n")
        }
    }

    /// 403 for a link that does not verify, counted against the address.
    private func refuse(_ context: ListenerContext) -> Response {
        let now = Date()
        let address = context.peer?.ip ?? "-"
        if limiter.isLimited(address, at: now) { return Page.plain(.tooManyRequests, "too many refused links from this address; wait a minute\n") }
        limiter.fail(address, at: now)
        return Page.plain(.forbidden, "this link is not valid (it may have expired); use a link from a recent message\n")
    }
}

/// `application/x-www-form-urlencoded` bodies.
enum Form {
    static func decode(_ buffer: ByteBuffer) -> [String: String] {
        let text = String(buffer: buffer)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func value(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let key = parts.first.map(value), fields[key] == nil else { continue }
            fields[key] = parts.count > 1 ? value(parts[1]) : ""
        }
        return fields
    }
}
