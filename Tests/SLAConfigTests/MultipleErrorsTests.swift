import SLAConfig
import Testing

/// One pass finds every problem in a file, in file order.
@Suite struct MultipleErrorsTests {
    static let yaml = """
        pol_interval: 60s
        calendars:
          office:
            timezone: Mars/Base
            week:
              mon-fri: ["09:00-17:00", "9-5"]
        policies:
          - name: standard
            calendar: office
            targets: { any: { first_response: 5 } }
        ladders:
          default:
            - at: 150%
              notify: manger
              notify: lead
        """

    @Test func reportsEveryError() {
        let diagnostics = ConfigFixture.diagnostics(MultipleErrorsTests.yaml)
        let found = diagnostics.map { "\($0.location.line):\($0.location.column) \($0.location.path) \($0.code.rawValue)" }
        #expect(found == [
            "1:1 pol_interval unknown_key",
            "4:15 calendars.office.timezone invalid_value",
            "6:32 calendars.office.week.mon-fri[1] invalid_value",
            "10:39 policies[0].targets.any.first_response invalid_value",
            "13:11 ladders.default[0].at invalid_value",
            "14:15 ladders.default[0].notify undefined_name",
            "15:7 ladders.default[0].notify duplicate_key",
        ])
    }

    @Test func describesOneDiagnosticPerLine() throws {
        do {
            _ = try Configuration.parse(yaml: MultipleErrorsTests.yaml, file: "slawatch.yaml", baseDirectory: "/etc/slawatch")
            Issue.record("the file has errors")
        } catch {
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == 7)
            #expect(lines.allSatisfy { $0.hasPrefix("slawatch.yaml:") })
            #expect(lines[4] == "slawatch.yaml:13:11: ladders.default[0].at: \"150%\" is past the due time; a percent is at most 100%, so for a step after breach write breach+ a duration, such as breach+2h")
        }
    }
}
