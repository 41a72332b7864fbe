import Foundation
public import Hummingbird
public import Service
import SLAEngine
import Transport

/// `GET /status` and `GET /api/v1/clocks` on the daemon's listener. Both need the API
/// token (bearer, or Basic as user `slawatch`) unless the request comes from loopback
/// without forwarding headers (`APIAccess.Rule.tokenOrLoopback`).
public enum StatusRoutes {
    /// Adds the routes; `board` evaluates the clocks at risk now.
    public static func add(
        to router: Router<ListenerContext>, access: APIAccess, board: @escaping @Sendable () async -> StatusBoard,
        acknowledge: StatusPage.AcknowledgeLink? = nil, actionOrigin: String? = nil
    ) {
        add(to: router, access: { access }, board: board, acknowledge: acknowledge, actionOrigin: actionOrigin)
    }

    /// Adds the routes, checking each request against the access `access` gives then (the
    /// API token a reload put in force).
    public static func add(
        to router: Router<ListenerContext>, access: @escaping @Sendable () -> APIAccess,
        board: @escaping @Sendable () async -> StatusBoard, acknowledge: StatusPage.AcknowledgeLink? = nil, actionOrigin: String? = nil
    ) {
        let pageHeaders = StatusPage.headers(formOrigin: actionOrigin)
        router.get("/status") { request, context -> Response in
            let verdict = access().verdict(for: request, context: context, rule: .tokenOrLoopback)
            guard verdict == .allowed else { return APIAccess.refusal(verdict) }
            let current = await board()
            let html = request.uri.queryParameters["part"] == "board"
                ? StatusPage.renderBoard(current, acknowledge: acknowledge) : StatusPage.render(current, acknowledge: acknowledge)
            var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
            for (name, value) in pageHeaders {
                if let field = HTTPFields.Element.Name(name) { headers[field] = value }
            }
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
        }
        router.get("/api/v1/clocks") { request, context -> Response in
            let verdict = access().verdict(for: request, context: context, rule: .tokenOrLoopback)
            guard verdict == .allowed else { return APIAccess.refusal(verdict) }
            let current = await board()
            var writer = JSONWriter(pretty: false)
            writer.beginObject()
            writer.key("at")
            writer.string(Timestamp(current.at).description)
            // A standby's clocks are as the leader recorded them: it says so.
            if let note = current.note {
                writer.key("note")
                writer.string(note)
            }
            writer.key("clocks")
            writer.beginArray()
            for entry in current.entries { ClockJSON.write(entry.clock, to: &writer) }
            writer.endArray()
            writer.endObject()
            var bytes = writer.take()
            bytes.append(UInt8(ascii: "\n"))
            return Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.refuseOtherMethods(at: "/status", allowing: [.get])
        router.refuseOtherMethods(at: "/api/v1/clocks", allowing: [.get])
    }
}

/// The origin (`scheme://host[:port]`) of `public_url`, where action links point: the
/// status page's forms may post there.
public enum ActionOrigin {
    public static func of(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return nil }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }
}
