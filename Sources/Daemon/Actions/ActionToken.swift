import Crypto
public import Foundation
public import SLAEngine

/// What a signed action link asks for: acknowledge or snooze one clock of one ticket,
/// until the link expires.
///
/// On the wire it is `1.KID.SOURCE.ID.METRIC.CYCLE.ACTION.EXPIRY.MAC`: the version, the
/// signing key's id, the ticket's source and id (base64url), the metric, the cycle, `ack`
/// or `snooze`, the expiry in Unix seconds, and the HMAC-SHA256 of everything before it
/// (base64url). Every part is URL-safe, so the token is one path segment.
public struct ActionToken: Sendable, Hashable {
    /// What the link does.
    public enum Action: String, Sendable, Hashable, CaseIterable {
        case ack, snooze
    }

    public var source: String
    public var ticketID: String
    public var metric: Metric
    public var cycle: Int
    public var action: Action
    /// The link is refused from this instant on.
    public var expires: Date

    public init(source: String, ticketID: String, metric: Metric, cycle: Int, action: Action, expires: Date) {
        self.source = source
        self.ticketID = ticketID
        self.metric = metric
        self.cycle = cycle
        self.action = action
        self.expires = expires
    }

    static let version = "1"

    /// The token signed with the first key.
    public func signed(with keys: ActionKeys) -> String {
        let key = keys.keys[0]
        let body = [
            ActionToken.version, key.id, Base64URL.encode(Data(source.utf8)), Base64URL.encode(Data(ticketID.utf8)),
            metric.rawValue, String(cycle), action.rawValue, String(Int64(expires.timeIntervalSince1970)),
        ].joined(separator: ".")
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key.key)
        return body + "." + Base64URL.encode(Data(mac))
    }

    /// The token a link carries, when it verifies with one of `keys` and has not expired
    /// at `now`; nil for anything else, with no reason given (a reason helps forgers).
    public static func verify(_ text: String, keys: ActionKeys, at now: Date) -> ActionToken? {
        guard text.utf8.count <= 1024 else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 9, parts[0] == Substring(version),
              let key = keys.keys.first(where: { $0.id == parts[1] }),
              let mac = Base64URL.decode(parts[8]), mac.count == SHA256.byteCount
        else { return nil }
        let body = parts[0..<8].joined(separator: ".")
        // swift-crypto compares the codes in constant time.
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(body.utf8), using: key.key) else { return nil }
        guard let source = Base64URL.decode(parts[2]).flatMap({ String(data: $0, encoding: .utf8) }),
              let ticketID = Base64URL.decode(parts[3]).flatMap({ String(data: $0, encoding: .utf8) }), !ticketID.isEmpty,
              let metric = Metric(rawValue: String(parts[4])), let cycle = Int(parts[5]), cycle >= 1,
              let action = Action(rawValue: String(parts[6])), let expiry = Int64(parts[7])
        else { return nil }
        let expires = Date(timeIntervalSince1970: TimeInterval(expiry))
        guard now < expires else { return nil }
        return ActionToken(source: source, ticketID: ticketID, metric: metric, cycle: cycle, action: action, expires: expires)
    }
}

/// Base64 with the URL alphabet and no padding (RFC 4648 §5).
enum Base64URL {
    static func encode(_ data: Data) -> String {
        var text = data.base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    static func decode(_ text: some StringProtocol) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if base.count % 4 == 1 { return nil }
        while base.count % 4 != 0 { base += "=" }
        guard let data = Data(base64Encoded: base), encode(data) == String(text) else { return nil }
        return data
    }
}
