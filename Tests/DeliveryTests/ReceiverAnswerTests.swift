import Testing
@testable import Delivery
import Transport

/// What the delivery log keeps of a receiver's answer: one line, at most 300 characters,
/// secrets blanked; an answer too short to hold a secret never asks for the redaction.
@Suite struct ReceiverAnswerTests {
    let redaction = Redaction(["s3cret-token"])

    @Test func aShortAnswerIsKeptWithoutTheRedaction() {
        for body in ["ok", "1", ""] {
            #expect(ReceiverAnswer.excerpt(of: Array(body.utf8), redaction: { Issue.record("redaction asked for \(body)"); return redaction }) == body)
        }
    }

    @Test func anyOtherAnswerIsFlattenedTrimmedAndRedacted() {
        #expect(ReceiverAnswer.excerpt(of: Array(" ok\n".utf8), redaction: { redaction }) == "ok")
        #expect(ReceiverAnswer.excerpt(of: Array("o\tk".utf8), redaction: { redaction }) == "o k")
        #expect(ReceiverAnswer.excerpt(of: Array("bad token s3cret-token\r\nagain".utf8), redaction: { redaction }) == "bad token <secret>  again")
        #expect(ReceiverAnswer.excerpt(of: Array(repeating: UInt8(ascii: "a"), count: 400), redaction: { redaction }) == String(repeating: "a", count: 300) + "…")
    }
}
