import Crypto
public import Foundation
public import Transport

/// Signs webhook bodies the Standard Webhooks way: `webhook-signature: v1,` followed by the
/// base64 HMAC-SHA256 of `id.timestamp.body` under the secret's bytes (swift-crypto's `HMAC`).
///
/// The secret is written `whsec_` + base64 (the prefix may be left out, as the reference
/// libraries allow); it is decoded once and never shows in a description. The tests check
/// the specification's published vector and RFC 4231's.
public struct WebhookSigner: Sendable, CustomStringConvertible, CustomReflectable {
    private let key: SymmetricKey
    /// The secret as given, for redacting it out of receivers' answers.
    let secret: Secret

    public init(secret: Secret) throws {
        var text = secret.reveal().trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("whsec_") { text.removeFirst("whsec_".count) }
        guard let bytes = Data(base64Encoded: text), bytes.count >= 16 else {
            throw ChannelSettingsError(
                code: .invalidSecret,
                message: "the webhook secret_file must hold whsec_ followed by base64 of at least 16 bytes "
                    + "(for example the output of: printf 'whsec_%s' \"$(openssl rand -base64 32)\")")
        }
        self.init(key: bytes, secret: secret)
    }

    /// A signer under raw key bytes of any length (a key longer than SHA-256's block is
    /// hashed first, as RFC 2104 says).
    init(key: some ContiguousBytes, secret: Secret) {
        self.key = SymmetricKey(data: key)
        self.secret = secret
    }

    /// `v1,` + base64(HMAC-SHA256(key, "\(id).\(timestamp).\(body)")).
    public func signature(id: String, timestamp: Int, body: Data) -> String {
        "v1," + Data(authenticationCode(for: Self.signedContent(id: id, timestamp: timestamp, body: body))).base64EncodedString()
    }

    /// Whether a `webhook-signature` header (one or more space-separated `v1,<base64>`)
    /// holds a valid signature of this message. Compares in constant time.
    public func verifies(_ header: String, id: String, timestamp: Int, body: Data) -> Bool {
        let content = Self.signedContent(id: id, timestamp: timestamp, body: body)
        return header.split(separator: " ").contains { entry in
            guard entry.hasPrefix("v1,"), let mac = Data(base64Encoded: String(entry.dropFirst(3))) else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: content, using: key)
        }
    }

    /// The raw HMAC-SHA256 of `message` under the key.
    func authenticationCode(for message: some DataProtocol) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }

    private static func signedContent(id: String, timestamp: Int, body: Data) -> Data {
        Data("\(id).\(timestamp).".utf8) + body
    }

    public var description: String { "WebhookSigner(<secret>)" }

    public var customMirror: Mirror { Mirror(self, children: [:], displayStyle: .struct) }
}
