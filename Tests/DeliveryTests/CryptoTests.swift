import Foundation
import Testing
import Transport
@testable import Delivery

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

/// SHA-256 comes from swift-crypto; these check that slawatch's content hashes (Message-IDs,
/// MIME boundaries, card ids) are SHA-256 of the UTF-8 text, cut where they say.
@Suite struct ContentHashTests {
    /// FIPS 180-2 appendix B and the NIST example values.
    @Test(arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func nistVectors(message: String, digest: String) {
        #expect(ContentHash.hex(of: message, bytes: 32) == digest)
        #expect(ContentHash.hex(of: message, bytes: 8) == String(digest.prefix(16)))
        // A Message-ID carries the first 16 bytes of the key's digest.
        #expect(MailMessage.messageID(forKey: message, domain: "example.com") == "slawatch.\(digest.prefix(32))@example.com")
    }

    @Test func oneMillionTimesA() {
        #expect(
            ContentHash.hex(of: String(repeating: "a", count: 1_000_000), bytes: 32)
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

/// HMAC-SHA256 comes from swift-crypto; these check that the signer hands it the key bytes
/// as they are, long keys included.
@Suite struct HMACSHA256Tests {
    /// RFC 4231 test cases 1–7 (case 5 compares the 128-bit truncation, as the RFC does).
    @Test(arguments: [
        ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (Array(1...25), [UInt8](repeating: 0xcd, count: 50), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ([UInt8](repeating: 0x0c, count: 20), Array("Test With Truncation".utf8), "a3b6167473100ee06e0c796c2955552b"),
        ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xaa, count: 131),
         Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ] as [([UInt8], [UInt8], String)])
    func rfc4231(key: [UInt8], data: [UInt8], mac: String) {
        let signer = WebhookSigner(key: key, secret: Secret("test"))
        let full = hex(signer.authenticationCode(for: data))
        #expect(full.count == 64)
        #expect(full.hasPrefix(mac))
    }
}

@Suite struct StandardWebhooksSignatureTests {
    static let secret = Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let body = Data(#"{"test": 2432232314}"#.utf8)

    /// The vector published with the Standard Webhooks reference libraries
    /// (libraries/go/webhook_test.go, TestWebhookSign).
    @Test func publishedTestVector() throws {
        let signer = try WebhookSigner(secret: Self.secret)
        let signature = signer.signature(id: Self.id, timestamp: 1_614_265_330, body: Self.body)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    /// The signed content is `id.timestamp.body`, and the signature is its MAC in one piece.
    @Test func signatureIsTheMACOfIdTimestampAndBody() throws {
        let signer = try WebhookSigner(secret: Self.secret)
        let content = Array("\(Self.id).1614265330.".utf8) + Array(Self.body)
        let signature = signer.signature(id: Self.id, timestamp: 1_614_265_330, body: Self.body)
        #expect(signature == "v1," + Data(signer.authenticationCode(for: content)).base64EncodedString())
    }

    @Test func verifiesItsOwnSignatureAndNothingElse() throws {
        let signer = try WebhookSigner(secret: Self.secret)
        let good = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        #expect(signer.verifies(good, id: Self.id, timestamp: 1_614_265_330, body: Self.body))
        // Several signatures, space-separated (key rotation): one valid one is enough.
        #expect(signer.verifies("v1,AAAA \(good)", id: Self.id, timestamp: 1_614_265_330, body: Self.body))
        #expect(!signer.verifies(good, id: Self.id, timestamp: 1_614_265_331, body: Self.body))
        #expect(!signer.verifies(good, id: Self.id, timestamp: 1_614_265_330, body: Data("{}".utf8)))
        #expect(!signer.verifies("v2," + good.dropFirst(3), id: Self.id, timestamp: 1_614_265_330, body: Self.body))
        #expect(!signer.verifies(String(good.dropLast(4)), id: Self.id, timestamp: 1_614_265_330, body: Self.body))
        #expect(!signer.verifies("v1,not base64!", id: Self.id, timestamp: 1_614_265_330, body: Self.body))
        let other = try WebhookSigner(secret: Secret("whsec_" + Data(repeating: 7, count: 24).base64EncodedString()))
        #expect(!other.verifies(good, id: Self.id, timestamp: 1_614_265_330, body: Self.body))
    }

    @Test func prefixIsOptional() throws {
        let with = try WebhookSigner(secret: Self.secret)
        let without = try WebhookSigner(secret: Secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let body = Data("{}".utf8)
        #expect(with.signature(id: "a", timestamp: 1, body: body) == without.signature(id: "a", timestamp: 1, body: body))
    }

    @Test func aSecretThatIsNotBase64IsRefusedWithoutShowingIt() {
        let secret = "whsec_not*base64*at*all!!"
        #expect {
            try WebhookSigner(secret: Secret(secret))
        } throws: { error in
            let error = error as? ChannelSettingsError
            return error?.code == .invalidSecret && !(error?.message.contains("not*base64") ?? true)
        }
    }
}
