import SLAConfig
import Testing

/// `retention`: how long the state keeps what is over.
@Suite struct RetentionConfigTests {
    @Test func unsetItKeeps400Days() throws {
        #expect(try StateLocationTests.parse("").retention == 400 * 86_400)
    }

    @Test func writtenItIsADuration() throws {
        #expect(try StateLocationTests.parse("retention: 90d").retention == 90 * 86_400)
        #expect(try StateLocationTests.parse("retention: 35d\nrepeated_breaches: {count: 3, within: 35d}").retention == 35 * 86_400)
    }

    static let rejections: [Rejection] = [
        Rejection("shorter than 35 days", "retention: 34d\n" + StateLocationTests.policies, at: 1, 12, "retention",
                  says: "is 34d", "at least 35d"),
        Rejection("shorter than the repeated breaches window",
                  "repeated_breaches: {count: 3, within: 60d}\nretention: 45d\n" + StateLocationTests.policies, at: 2, 12, "retention",
                  says: "is 45d", "repeated_breaches.within (60d)", "at least as long"),
        Rejection("not a duration", "retention: forever\n" + StateLocationTests.policies, at: 1, 12, "retention", says: "forever"),
    ]

    @Test(arguments: rejections) func rejected(_ rejection: Rejection) {
        rejection.check()
    }
}
