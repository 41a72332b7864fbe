import Daemon
import Foundation
import Hummingbird
import Service
import Testing
import Transport

@Suite("APIAccess")
struct APIAccessTests {
    static let token = "t0ken-for-the-api-0123456789abcdef"

    /// Two routes behind each rule, answering `ok` when let through.
    static func routes(_ access: APIAccess) -> @Sendable (Router<ListenerContext>) -> Void {
        { router in
            for (path, rule) in [("/read", APIAccess.Rule.tokenOrLoopback), ("/write", .token)] {
                router.get(RouterPath(stringLiteral: path)) { request, context -> Response in
                    let verdict = access.verdict(for: request, context: context, rule: rule)
                    guard verdict == .allowed else { return APIAccess.refusal(verdict) }
                    return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok")))
                }
            }
        }
    }

    static func basic(_ user: String, _ password: String) -> HTTPHeader {
        HTTPHeader("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
    }

    @Test("with a token: bearer and Basic pass; loopback reads without one; forwarded requests and writes need it")
    func withToken() async throws {
        let listener = try await ListenerHarness.start(routes: Self.routes(APIAccess(token: Secret(Self.token))))
        let bearer = HTTPHeader("Authorization", "Bearer \(Self.token)")
        // `wrong`: a token was sent and is not this daemon's (401 says so).
        let cases: [(path: String, headers: [HTTPHeader], status: Int, wrong: Bool)] = [
            ("/read", [], 200, false),
            ("/read", [HTTPHeader("X-Forwarded-For", "203.0.113.9")], 401, false),
            ("/read", [HTTPHeader("Forwarded", "for=203.0.113.9")], 401, false),
            ("/read", [HTTPHeader("Forwarded", "for=203.0.113.9"), bearer], 200, false),
            ("/read", [HTTPHeader("Forwarded", "for=203.0.113.9"), HTTPHeader("Authorization", "Bearer nope")], 401, true),
            ("/write", [], 401, false),
            ("/write", [bearer], 200, false),
            ("/write", [HTTPHeader("Authorization", "bearer \(Self.token)")], 200, false),
            ("/write", [Self.basic("slawatch", Self.token)], 200, false),
            ("/write", [Self.basic("slawatch", "nope")], 401, true),
            ("/write", [Self.basic("admin", Self.token)], 401, false),
            ("/write", [HTTPHeader("Authorization", "Bearer \(Self.token)x")], 401, true),
            ("/write", [HTTPHeader("Authorization", "Bearer \(Self.token.dropLast())")], 401, true),
            ("/write", [HTTPHeader("Authorization", "Bearer")], 401, false),
            ("/write", [HTTPHeader("Authorization", Self.token)], 401, false),
        ]
        for check in cases {
            let answer = try await listener.send(.get, check.path, headers: check.headers)
            #expect(answer.status == check.status, "\(check.path) \(check.headers.map(\.name))")
            if answer.status == 401 {
                #expect(answer.response.header("WWW-Authenticate")?.contains("Bearer") == true)
                #expect(!answer.body.contains(Self.token))
                let expected = check.wrong ? "the token sent is not this daemon's API token" : "an API token is needed"
                #expect(answer.body.hasPrefix(expected), "\(check.headers.map(\.value)): \(answer.body)")
                #expect(answer.response.header("WWW-Authenticate")?.contains("invalid_token") == check.wrong)
            }
        }
        try await listener.stop()
    }

    @Test("without a token: the API is off (404), loopback still reads, remote reads are forbidden (403)")
    func withoutToken() async throws {
        let listener = try await ListenerHarness.start(routes: Self.routes(APIAccess(token: nil)))
        #expect(try await listener.send(.get, "/read").status == 200)
        // No token can be had: 403, saying how to allow reads from elsewhere.
        let remote = try await listener.send(.get, "/read", headers: [HTTPHeader("X-Forwarded-For", "10.0.0.1")])
        #expect(remote.status == 403)
        #expect(remote.body.contains("only on loopback") && remote.body.contains("api_token_file"))
        let write = try await listener.send(.get, "/write", headers: [HTTPHeader("Authorization", "Bearer anything")])
        #expect(write.status == 404)
        #expect(write.body.contains("api_token_file"))
        try await listener.stop()
    }

    @Test("a peer that is not loopback needs the token even for reads", arguments: [
        ("10.1.2.3", false, APIAccess.Verdict.unauthorized), ("127.0.0.1", false, .allowed), ("::1", false, .allowed),
        ("192.168.0.1", true, .allowed),
    ])
    func remotePeer(ip: String, tokenGiven: Bool, expected: APIAccess.Verdict) {
        let access = APIAccess(token: Secret(Self.token))
        let peer = ListenerPeer(ip: ip, isLoopback: ListenerPeer.isLoopback(ip))
        let verdict = access.verdict(
            authorization: tokenGiven ? "Bearer \(Self.token)" : nil, forwarded: false, peer: peer, rule: .tokenOrLoopback)
        #expect(verdict == expected)
    }

    @Test("loopback addresses", arguments: [
        ("127.0.0.1", true), ("127.8.9.10", true), ("::1", true), ("::ffff:127.0.0.1", true),
        ("128.0.0.1", false), ("10.0.0.1", false), ("::2", false), ("127.0.0", false), ("", false),
    ])
    func loopback(ip: String, expected: Bool) {
        #expect(ListenerPeer.isLoopback(ip) == expected)
    }
}
