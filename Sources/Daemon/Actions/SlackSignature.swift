import Crypto
public import Foundation
public import Transport

/// Slack's request signing (v0): `v0=` and the hex HMAC-SHA256, under the app's signing
/// secret, of `v0:TIMESTAMP:BODY`, with `X-Slack-Request-Timestamp` as the timestamp.
///
/// A request more than five minutes from `now` is refused, so a captured request cannot be
/// replayed later; the code is compared in constant time.
public struct SlackSignature: Sendable {
    private let key: SymmetricKey

    /// The most a request's timestamp may be from now, in seconds.
    public static let tolerance: TimeInterval = 300

    public init(secret: Secret) {
        key = SymmetricKey(data: Data(secret.reveal().utf8))
    }

    /// True when `signature` signs `body` at `timestamp`, and `timestamp` is within five
    /// minutes of `now`.
    public func verifies(signature: String, timestamp: String, body: Data, at now: Date) -> Bool {
        guard let seconds = Int64(timestamp), abs(now.timeIntervalSince1970 - TimeInterval(seconds)) <= SlackSignature.tolerance,
              signature.hasPrefix("v0="), let code = SlackSignature.bytes(hex: signature.dropFirst(3)), code.count == SHA256.byteCount
        else { return false }
        var signed = Data("v0:\(timestamp):".utf8)
        signed.append(body)
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: signed, using: key)
    }

    private static func bytes(hex: Substring) -> Data? {
        guard hex.count % 2 == 0 else { return nil }
        var data = Data()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            data.append(byte)
            index = next
        }
        return data
    }
}
