import SLAConfig
import SLAEngine
import Testing

/// `repeated_breaches` and `customer_channel`.
@Suite struct EscalationSettingsTests {
    static let base = AcceptanceTests.minimal + """

        channels:
          customers: { type: log, path: notices.jsonl }
          notices: { type: log, path: other.jsonl }
        """

    func load(_ yaml: String) throws -> Configuration {
        try Configuration.parse(yaml: yaml, file: "slawatch.yaml", baseDirectory: "/etc/slawatch")
    }

    @Test func repeatedBreachesReadsCountAndWindow() throws {
        let configuration = try load(Self.base + "\nrepeated_breaches: { count: 3, within: 30d }\n")
        #expect(configuration.repeatedBreaches == RepeatedBreachRule(count: 3, windowSeconds: 30 * 86_400))
        #expect(try load(Self.base).repeatedBreaches == nil)
    }

    @Test(arguments: [
        ("repeated_breaches: { count: 0, within: 30d }", "repeated_breaches.count: \"0\" is not a whole number of at least 1"),
        ("repeated_breaches: { count: 3 }", "repeated_breaches.within"),
        ("repeated_breaches: { count: 3, within: 30d, notify: boss }", "repeated_breaches.notify: unknown key"),
        ("customer_channel: mail", "customer_channel: no channel is named \"mail\""),
    ])
    func badSettingsAreRejected(line: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) { try load(Self.base + "\n" + line + "\n") }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
    }

    @Test func customerNoticesGoToTheChannelNamedCustomersUnlessSaidOtherwise() throws {
        #expect(try load(Self.base).customerChannel == "customers")
        #expect(try load(Self.base + "\ncustomer_channel: notices\n").customerChannel == "notices")
        #expect(try load(AcceptanceTests.minimal).customerChannel == nil)
    }
}
