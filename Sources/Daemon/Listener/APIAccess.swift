import Crypto
import Foundation
public import Hummingbird
public import Service
public import Transport

/// Who may use the listener's API and pages: the holder of the API token
/// (`api_token_file`), and, for what only reads, the machine itself.
///
/// The token is given as `Authorization: Bearer TOKEN`, or as HTTP Basic with the user
/// `slawatch` and the token as the password (what a browser prompts for). It is compared
/// through SHA-256 digests, in constant time and whatever its length; only the digest is
/// kept. A request that carries `Forwarded` or `X-Forwarded-For` came through a proxy and
/// counts as remote, whatever address it arrives from.
public struct APIAccess: Sendable {
    /// What a route asks of a request.
    public enum Rule: Sendable, Hashable {
        /// Pages and reads (`/status`, `/api/v1/clocks`): the token, or a request from
        /// loopback without forwarding headers, also when no token is configured.
        case tokenOrLoopback
        /// What changes state (`/api/v1/acks`, `/api/v1/silences`): the token, always,
        /// loopback included; off when no token is configured.
        case token
    }

    /// The answer to one request.
    public enum Verdict: Sendable, Hashable {
        /// Let it through.
        case allowed
        /// No token given: 401 with a challenge.
        case unauthorized
        /// A token given that is not this daemon's: 401 with a challenge that says so.
        case wrongToken
        /// A read from elsewhere than loopback with no token configured, which no request
        /// can give: 403.
        case loopbackOnly
        /// The route needs a token and none is configured: 404, the API is off.
        case off
    }

    private let tokenDigest: SHA256Digest?

    /// `token` is the contents of `api_token_file`; nil when the key is not set.
    public init(token: Secret?) {
        tokenDigest = token.map { SHA256.hash(data: Data($0.reveal().utf8)) }
    }

    /// True when `api_token_file` is set.
    public var hasToken: Bool { tokenDigest != nil }

    /// The verdict from the parts of a request that matter: its `Authorization` value,
    /// whether it carries forwarding headers, and the socket's peer.
    public func verdict(authorization: String?, forwarded: Bool, peer: ListenerPeer?, rule: Rule) -> Verdict {
        let given = authorization.flatMap(APIAccess.credential(in:))
        if let given, matches(given) { return .allowed }
        let refused: Verdict = given == nil ? .unauthorized : .wrongToken
        switch rule {
        case .tokenOrLoopback:
            if !forwarded && peer?.isLoopback == true { return .allowed }
            return hasToken ? refused : .loopbackOnly
        case .token:
            return hasToken ? refused : .off
        }
    }

    /// The verdict for a request the listener received.
    public func verdict(for request: Request, context: ListenerContext, rule: Rule) -> Verdict {
        verdict(
            authorization: request.headers[.authorization], forwarded: APIAccess.isForwarded(request.headers),
            peer: context.peer, rule: rule)
    }

    /// True when the headers say a proxy forwarded the request.
    public static func isForwarded(_ headers: HTTPFields) -> Bool {
        headers.contains { field in field.name.canonicalName == "forwarded" || field.name.canonicalName == "x-forwarded-for" }
    }

    /// The answer to a request that is not allowed: 401 with both challenges (saying whether
    /// a token was missing or not the one configured, never anything of the token itself),
    /// 403 for a read from elsewhere with no token configured, or 404 when the API is off.
    public static func refusal(_ verdict: Verdict) -> Response {
        let (status, body): (HTTPResponse.Status, String) = switch verdict {
        case .off: (.notFound, "the API is off: set api_token_file in the configuration to turn it on\n")
        case .loopbackOnly:
            (.forbidden, "this answers only on loopback: set api_token_file in the configuration to reach it from elsewhere\n")
        case .wrongToken: (.unauthorized, "the token sent is not this daemon's API token (api_token_file)\n")
        case .unauthorized, .allowed:
            (.unauthorized, "an API token is needed: send Authorization: Bearer TOKEN, or HTTP Basic with the user slawatch\n")
        }
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"]
        if verdict == .wrongToken {
            headers[.wwwAuthenticate] = #"Bearer realm="slawatch", error="invalid_token", Basic realm="slawatch""#
        } else if status == .unauthorized {
            headers[.wwwAuthenticate] = #"Bearer realm="slawatch", Basic realm="slawatch""#
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    // MARK: Credentials

    /// The token an `Authorization` value carries: a bearer token, or the password of HTTP
    /// Basic for the user `slawatch`; nil for anything else.
    static func credential(in authorization: String) -> String? {
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let value = parts[1].trimmingCharacters(in: .whitespaces)
        switch parts[0].lowercased() {
        case "bearer":
            return value.isEmpty ? nil : value
        case "basic":
            guard let decoded = Data(base64Encoded: value), let text = String(data: decoded, encoding: .utf8),
                  let colon = text.firstIndex(of: ":"), text[..<colon] == "slawatch" else { return nil }
            let password = String(text[text.index(after: colon)...])
            return password.isEmpty ? nil : password
        default:
            return nil
        }
    }

    /// Compares digests, which swift-crypto does in constant time; equal-length digests
    /// also hide the token's length.
    private func matches(_ given: String) -> Bool {
        guard let tokenDigest else { return false }
        return SHA256.hash(data: Data(given.utf8)) == tokenDigest
    }
}
