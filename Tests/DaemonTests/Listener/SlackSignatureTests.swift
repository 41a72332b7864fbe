import Daemon
import Foundation
import Testing
import Transport

@Suite("SlackSignature")
struct SlackSignatureTests {
    // The example of Slack's "Verifying requests from Slack" documentation.
    static let secret = Secret("8f742231b10e8888abcd99yyyzzz85a5")
    static let timestamp = "1531420618"
    static let body = Data(("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
        + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
        + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c").utf8)
    static let signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    static let then = Date(timeIntervalSince1970: 1_531_420_618 + 30)

    @Test("Slack's documented example verifies")
    func documentedExample() {
        #expect(SlackSignature(secret: Self.secret).verifies(signature: Self.signature, timestamp: Self.timestamp, body: Self.body, at: Self.then))
    }

    @Test("a wrong signature, a stale timestamp, a body replayed under another timestamp, another secret: refused")
    func refusals() {
        let verifier = SlackSignature(secret: Self.secret)
        var flipped = Array(Self.signature)
        flipped[10] = flipped[10] == "0" ? "1" : "0"
        #expect(!verifier.verifies(signature: String(flipped), timestamp: Self.timestamp, body: Self.body, at: Self.then))
        #expect(!verifier.verifies(signature: Self.signature, timestamp: Self.timestamp, body: Self.body,
                                   at: Self.then.addingTimeInterval(301)))
        #expect(!verifier.verifies(signature: Self.signature, timestamp: "1531420619", body: Self.body, at: Self.then))
        var other = Self.body
        other.append(UInt8(ascii: "x"))
        #expect(!verifier.verifies(signature: Self.signature, timestamp: Self.timestamp, body: other, at: Self.then))
        #expect(!SlackSignature(secret: Secret("another-secret")).verifies(
            signature: Self.signature, timestamp: Self.timestamp, body: Self.body, at: Self.then))
        #expect(!verifier.verifies(signature: "a2114d57", timestamp: Self.timestamp, body: Self.body, at: Self.then))
    }
}
