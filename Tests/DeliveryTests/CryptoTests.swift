import Foundation
import Testing
@testable import Delivery
import Transport

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

@Suite struct SHA256Tests {
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
        #expect(hex(SHA256.hash(Array(message.utf8))) == digest)
    }

    @Test func oneMillionTimesA() {
        #expect(
            hex(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Feeding the input in uneven pieces, across block edges, gives the same digest.
    @Test func streamingInPiecesMatchesOneShot() {
        let input = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for pieceSize in [1, 3, 55, 56, 63, 64, 65, 127, 999] {
            var hasher = SHA256()
            var offset = 0
            while offset < input.count {
                hasher.update(input[offset..<min(offset + pieceSize, input.count)])
                offset += pieceSize
            }
            #expect(hasher.finalize() == SHA256.hash(input), "piece size \(pieceSize)")
        }
    }
}

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
        let full = hex(HMACSHA256.authenticationCode(for: data, key: key))
        #expect(full.hasPrefix(mac))
    }
}

@Suite struct StandardWebhooksSignatureTests {
    /// The vector published with the Standard Webhooks reference libraries
    /// (libraries/go/webhook_test.go, TestWebhookSign).
    @Test func publishedTestVector() throws {
        let signer = try WebhookSigner(secret: Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let signature = signer.signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Data(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func prefixIsOptional() throws {
        let with = try WebhookSigner(secret: Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
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
