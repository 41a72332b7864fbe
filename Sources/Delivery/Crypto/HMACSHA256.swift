/// HMAC-SHA256 (RFC 2104), the MAC behind Standard Webhooks' `v1` signatures.
///
/// Keys longer than the 64-byte block are hashed first, as the RFC says; the tests check
/// the RFC 4231 vectors, long keys included.
public struct HMACSHA256: Sendable {
    private var inner: SHA256
    private let outerKeyPad: [UInt8]

    /// Starts a MAC under `key` (any length).
    public init(key: some Collection<UInt8>) {
        var block = key.count > SHA256.blockSize ? SHA256.hash(key) : Array(key)
        block += [UInt8](repeating: 0, count: SHA256.blockSize - block.count)
        inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        outerKeyPad = block.map { $0 ^ 0x5c }
    }

    /// The MAC of `message` under `key` in one call.
    public static func authenticationCode(for message: some Sequence<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        var mac = HMACSHA256(key: key)
        mac.update(message)
        return mac.finalize()
    }

    /// Feeds more of the message.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        inner.update(bytes)
    }

    /// The 32-byte MAC.
    public consuming func finalize() -> [UInt8] {
        var outer = SHA256()
        outer.update(outerKeyPad)
        outer.update(inner.finalize())
        return outer.finalize()
    }
}
