public import Foundation
public import Hummingbird
public import Logging
public import Service
public import SLAEngine
public import StateStore
import SLAConfig
import Transport

/// The listener's API: `POST /api/v1/acks` (what `slawatch ack` calls) and
/// `/api/v1/silences` (what `slawatch silence` calls).
///
/// Every route needs the API token (`APIAccess.Rule.token`), loopback included: they
/// change what the daemon sends. Without `api_token_file` they answer 404.
public struct APIRoutes: Sendable {
    /// The open clocks of a ticket: source (nil for any), id, metric (nil for all), instant.
    public typealias OpenClocks = @Sendable (String?, String, Metric?, Date) async -> [(source: String, metric: Metric, cycle: Int)]

    let credentials: ListenerCredentials
    let desk: ActionDesk
    /// Where silences are kept.
    let silenceLog: any SilenceLog
    let logger: Logger
    let openClocks: OpenClocks
    /// Called after a silence is added or expired, so the daemon acts on it at once.
    let silencesChanged: @Sendable () async -> Void

    public init(
        credentials: ListenerCredentials, desk: ActionDesk, silenceLog: any SilenceLog, logger: Logger, openClocks: @escaping OpenClocks,
        silencesChanged: @escaping @Sendable () async -> Void = {}
    ) {
        self.credentials = credentials
        self.desk = desk
        self.silenceLog = silenceLog
        self.logger = logger
        self.openClocks = openClocks
        self.silencesChanged = silencesChanged
    }

    public func install(on router: Router<ListenerContext>) {
        router.post("/api/v1/acks") { request, context in
            await guarded(request, context) { try await acknowledge(request) }
        }
        router.get("/api/v1/silences") { request, context in
            await guarded(request, context) { try await silences() }
        }
        router.post("/api/v1/silences") { request, context in
            await guarded(request, context) { try await addSilence(request) }
        }
        router.delete("/api/v1/silences/:id") { request, context in
            await guarded(request, context) { try await expireSilence(context.parameters.get("id") ?? "") }
        }
        router.refuseOtherMethods(at: "/api/v1/acks", allowing: [.post])
        router.refuseOtherMethods(at: "/api/v1/silences", allowing: [.get, .post])
        router.refuseOtherMethods(at: "/api/v1/silences/:id", allowing: [.delete])
    }

    /// A request the API refuses: the status and a message saying what to change.
    struct Refusal: Error {
        var status: HTTPResponse.Status
        var message: String
    }

    private func guarded(_ request: Request, _ context: ListenerContext, _ body: () async throws -> Response) async -> Response {
        let verdict = credentials.now.access.verdict(for: request, context: context, rule: .token)
        guard verdict == .allowed else { return APIAccess.refusal(verdict) }
        do {
            return try await body()
        } catch let refusal as Refusal {
            return APIRoutes.json(refusal.status, ["error": .string(refusal.message)])
        } catch let error as StateStoreError {
            logger.error("API request failed", metadata: ["error": "\(error)"])
            return APIRoutes.json(.serviceUnavailable, ["error": "the state cannot be written now; try again"])
        } catch {
            return APIRoutes.json(.badRequest, ["error": .string("\(error)")])
        }
    }

    /// The body as a JSON object, at most `ListenerContext.bodyLimit` bytes.
    func object(_ request: Request) async throws -> [String: Any] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: ListenerContext.bodyLimit)
        } catch {
            throw Refusal(status: .contentTooLarge, message: "the body is larger than \(ListenerContext.bodyLimit) bytes")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] else {
            throw Refusal(status: .badRequest, message: "the body is not a JSON object")
        }
        return object
    }

    // MARK: Acks

    /// `{"ticket": "[SOURCE:]ID", "metric": M?, "for": "2h"?, "by": NAME, "action": "ack"|"snooze"?}`: holds every open
    /// clock of the ticket (or the one metric's), and answers what was recorded.
    private func acknowledge(_ request: Request) async throws -> Response {
        let body = try await object(request)
        // Helpdesks number their tickets: a number is the id it writes.
        let ticket = (body["ticket"] as? NSNumber).flatMap { $0 is Bool ? nil : $0.stringValue } ?? (body["ticket"] as? String)
        guard let written = ticket, !written.isEmpty else {
            throw Refusal(status: .badRequest, message: body["ticket"] == nil
                ? "ticket is missing; give the ticket as ID or SOURCE:ID"
                : "ticket is not a string; give the ticket as \"ID\" or \"SOURCE:ID\"")
        }
        for key in ["metric", "for", "action"] where body[key] != nil && !(body[key] is String) {
            throw Refusal(status: .badRequest, message: "\(key) is not a string")
        }
        guard let by = (body["by"] as? String).flatMap(ActionDesk.name) else {
            throw Refusal(status: .badRequest, message: "by is missing or not a name; give who acknowledges")
        }
        var metric: Metric?
        if let text = body["metric"] as? String {
            guard let parsed = Metric(rawValue: text) else {
                throw Refusal(status: .badRequest, message: "metric \(text) is not one of "
                    + Metric.allCases.map(\.rawValue).joined(separator: ", "))
            }
            metric = parsed
        }
        var seconds: Int?
        if let text = body["for"] as? String {
            guard let parsed = WrittenDuration.seconds(text), parsed <= ActionSettings.longestHold else {
                throw Refusal(status: .badRequest, message: "for \(text) is not a duration such as 30m, 4h or 1h30m (at most 30d)")
            }
            seconds = parsed
        }
        var kind = ClockHold.Kind.ack
        if let text = body["action"] as? String {
            // A typo ("snoze") recorded an acknowledgement.
            guard let parsed = ClockHold.Kind(rawValue: text) else {
                throw Refusal(status: .badRequest, message: "action \(text) is neither ack nor snooze")
            }
            kind = parsed
        }
        let now = Date()
        // An id may hold a colon; SOURCE:ID is tried when the whole text is not an id in view.
        var id = written
        var clocks = await openClocks(nil, written, metric, now)
        if clocks.isEmpty, let colon = written.firstIndex(of: ":") {
            id = String(written[written.index(after: colon)...])
            clocks = await openClocks(String(written[..<colon]), id, metric, now)
        }
        if Set(clocks.map(\.source)).count > 1 {
            throw Refusal(status: .conflict, message: "sources \(Set(clocks.map(\.source)).sorted().joined(separator: " and ")) both have "
                + "a ticket \(written); give it as SOURCE:ID")
        }
        guard !clocks.isEmpty else {
            throw Refusal(status: .notFound, message: "no open clock of ticket \(written)\(metric.map { " for \($0.rawValue)" } ?? ""); "
                + "check the id (SOURCE:ID when two sources share it) and that the daemon sees the ticket")
        }
        var answers: [JSONValue] = []
        for clock in clocks {
            let outcome = try await desk.answer(
                source: clock.source, ticketID: id, metric: clock.metric, cycle: clock.cycle, kind: kind, by: by, seconds: seconds,
                via: .api, at: now)
            let (hold, already): (ClockHold, Bool) = switch outcome {
            case .recorded(let hold): (hold, false)
            case .already(let hold): (hold, true)
            }
            if !already {
                logger.info("\(hold.verb)", metadata: [
                    "ticket": "\(id)", "source": "\(clock.source)", "metric": "\(clock.metric.rawValue)", "cycle": "\(clock.cycle)",
                    "by": "\(by)", "until": "\(Timestamp(hold.until))", "via": "api",
                ])
            }
            answers.append([
                "ticket": .string(id), "source": .string(clock.source), "metric": .string(clock.metric.rawValue),
                "cycle": .int(clock.cycle), "action": .string(hold.kind.rawValue), "by": .string(hold.by),
                "at": .string(Timestamp(hold.at).description), "until": .string(Timestamp(hold.until).description),
                "already": .bool(already),
            ])
        }
        return APIRoutes.json(.ok, ["acks": .array(answers)])
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.serialized() + "\n")))
    }
}
