public import Foundation
public import Transport

/// Signs webhook bodies the Standard Webhooks way: `webhook-signature: v1,` followed by the
/// base64 HMAC-SHA256 of `id.timestamp.body` under the secret's bytes.
///
/// The secret is written `whsec_` + base64 (the prefix may be left out, as the reference
/// libraries allow); it is decoded once and never shows in a description. The tests check
/// the specification's published vector.
public struct WebhookSigner: Sendable, CustomStringConvertible, CustomReflectable {
    private let key: [UInt8]
    /// The secret as given, for redacting it out of receivers' answers.
    let credential: Secret

    public init(secret: Secret) throws {
        var text = secret.reveal().trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("whsec_") { text.removeFirst("whsec_".count) }
        guard let bytes = Data(base64Encoded: text), bytes.count >= 16 else {
            throw ChannelSettingsError(
                code: .invalidSecret,
                message: "the webhook secret_file must hold whsec_ followed by base64 of at least 16 bytes "
                    + "(for example the output of: printf 'whsec_%s' \"$(openssl rand -base64 32)\")")
        }
        key = [UInt8](bytes)
        credential = secret
    }

    /// `v1,` + base64(HMAC-SHA256(key, "\(id).\(timestamp).\(body)")).
    public func signature(id: String, timestamp: Int, body: Data) -> String {
        var mac = HMACSHA256(key: key)
        mac.update(Array("\(id).\(timestamp).".utf8))
        mac.update(body)
        return "v1," + Data(mac.finalize()).base64EncodedString()
    }

    public var description: String { "WebhookSigner(<secret>)" }

    public var customMirror: Mirror { Mirror(self, children: [:], displayStyle: .struct) }
}
