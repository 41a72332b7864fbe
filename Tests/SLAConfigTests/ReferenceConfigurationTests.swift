import BusinessTime
import Foundation
import SLAConfig
import SLAEngine
import Testing

/// The reference configuration of DESIGN.md, verbatim, loads and means what it says.
@Suite struct ReferenceConfigurationTests {
    /// The fixture copied to a temporary directory, its `/etc/slawatch/secrets/` files made there.
    struct Installed {
        let directory: URL
        let configuration: Configuration
        let environment: [String: String]

        init() throws {
            directory = try ConfigFixture.temporaryDirectory()
            let fixture = ConfigFixture.directory.appendingPathComponent("reference")
            for item in try FileManager.default.contentsOfDirectory(atPath: fixture.path) {
                try FileManager.default.copyItem(at: fixture.appendingPathComponent(item), to: directory.appendingPathComponent(item))
            }
            let secrets = directory.appendingPathComponent("secrets").path + "/"
            let yaml = try String(contentsOf: fixture.appendingPathComponent("slawatch.yaml"), encoding: .utf8)
                .replacingOccurrences(of: "/etc/slawatch/secrets/", with: secrets)
            try ConfigFixture.write(yaml, to: "slawatch.yaml", in: directory)
            try ConfigFixture.write("https://hooks.slack.com/services/T000/B000/leads-token\n", to: "secrets/slack-leads", in: directory)
            try ConfigFixture.write("https://example.webhook.office.com/workflows/ops-token\n", to: "secrets/teams-ops", in: directory)
            try ConfigFixture.write("smtp-password\n", to: "secrets/smtp", in: directory)
            environment = ["BILLING_HOOK": "https://mattermost.example.com/hooks/billing-token"]
            configuration = try Configuration.load(path: directory.appendingPathComponent("slawatch.yaml").path, environment: environment)
        }

        func remove() {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test func loadsWithoutDiagnosticsAndResolvesItsSecrets() throws {
        let installed = try Installed()
        defer { installed.remove() }
        let secrets = try installed.configuration.resolveSecrets(environment: installed.environment)
        #expect(secrets.count == 4)
        let channels = installed.configuration.channels
        guard case .chat(let leads)? = channels["support-leads"]?.kind,
              case .chat(let billing)? = channels["billing-leads"]?.kind
        else {
            Issue.record("support-leads and billing-leads should be chat channels")
            return
        }
        #expect(secrets[leads]?.reveal() == "https://hooks.slack.com/services/T000/B000/leads-token")
        #expect(secrets[billing]?.reveal() == "https://mattermost.example.com/hooks/billing-token")
        #expect(secrets[path: "relays.main.password_file"]?.reveal() == "smtp-password")
    }

    @Test func topLevelValues() throws {
        let installed = try Installed()
        defer { installed.remove() }
        let configuration = installed.configuration
        #expect(configuration.state == "/var/lib/slawatch/state.db")
        #expect(configuration.pollInterval == 60)
        #expect(configuration.listen == "127.0.0.1:9469")
        #expect(configuration.opsChannel == "support-leads")
        #expect(configuration.templates == installed.directory.path + "/templates/")
        #expect(configuration.sources.map(\.name) == ["demo"])
        guard case .file(let path)? = configuration.sources.first?.kind else {
            Issue.record("demo should be a file source")
            return
        }
        #expect(path == installed.directory.path + "/demo/tickets.json")
        #expect(configuration.sources.first?.pollInterval == 60)
    }

    @Test func calendars() throws {
        let installed = try Installed()
        defer { installed.remove() }
        let calendars = installed.configuration.calendars
        #expect(Set(calendars.keys) == ["24x7", "us-office", "berlin"])
        let office = try #require(calendars["us-office"])
        #expect(office.timeZone.identifier == "America/New_York")
        #expect(office.week[.monday] == [TimeWindow(startMinute: 9 * 60, endMinute: 17 * 60)])
        #expect(office.week[.saturday].isEmpty)
        #expect(office.rule(on: LocalDate(year: 2026, month: 11, day: 26)!) == .holiday(Holiday(date: LocalDate(year: 2026, month: 11, day: 26)!)))
        let christmasEve = LocalDate(year: 2026, month: 12, day: 24)!
        #expect(office.rule(on: christmasEve).windows == [TimeWindow(startMinute: 9 * 60, endMinute: 13 * 60)])
        // From holidays/us.ics: Christmas Day yearly, Labor Day on the first Monday of September.
        #expect(office.holidays[LocalDate(year: 2026, month: 12, day: 25)!]?.name == "Christmas Day")
        #expect(office.holidays[LocalDate(year: 2030, month: 9, day: 2)!]?.name == "Labor Day")

        let berlin = try #require(calendars["berlin"])
        #expect(berlin.timeZone.identifier == "Europe/Berlin")
        #expect(berlin.week[.thursday] == [
            TimeWindow(startMinute: 8 * 60, endMinute: 12 * 60), TimeWindow(startMinute: 13 * 60, endMinute: 17 * 60),
        ])
        #expect(berlin.week[.friday] == [TimeWindow(startMinute: 8 * 60, endMinute: 15 * 60)])
        #expect(calendars["24x7"]?.isAlwaysOpen == true)
    }

    @Test func policiesAndPause() throws {
        let installed = try Installed()
        defer { installed.remove() }
        let policies = installed.configuration.policies
        #expect(policies.map(\.name) == ["standard", "enterprise", "security"])
        #expect(policies.map(\.calendar.name) == ["us-office", "24x7", "24x7"])
        #expect(policies[0].targets[.urgent] == [.firstResponse: 1_800, .periodicUpdate: 3_600, .resolution: 14_400])
        #expect(policies[0].targets[.low] == [.firstResponse: 86_400])
        #expect(policies[0].match == .any)
        #expect(policies[1].targets[nil] == [.firstResponse: 3_600, .resolution: 14_400])
        #expect(policies[1].match == TicketMatch([.customerTier: ["enterprise"]]))
        #expect(policies[2].match == TicketMatch([.tags: ["security"]]))
        #expect(policies.allSatisfy { $0.ladder == "default" && $0.ladders.isEmpty })

        let pause = installed.configuration.pause
        #expect(pause[.firstResponse] == [.pendingCustomer])
        #expect(pause[.resolution] == [.pendingCustomer, .onHold])
        #expect(installed.configuration.engine.policies.count == 3)
    }

    @Test func ladderAndTeams() throws {
        let installed = try Installed()
        defer { installed.remove() }
        let ladder = try #require(installed.configuration.ladders["default"])
        #expect(ladder.steps.map(\.label) == ["75%", "90%", "breach", "breach+2h"])
        #expect(ladder.steps.map(\.threshold) == [.percent(75), .percent(90), .breach(offsetSeconds: 0), .breach(offsetSeconds: 7_200)])
        #expect(ladder.steps.map(\.notify) == [["lead"], ["manager"], ["manager", "director"], ["director"]])
        #expect(ladder.steps.map(\.repeatEvery) == [nil, nil, nil, 7_200])
        #expect(ladder.steps.map(\.customerNotice) == [nil, nil, "delay_notice", nil])
        #expect(ladder.allClear == false)

        let teams = installed.configuration.teams
        #expect(teams.map(\.name) == ["billing", "default"])
        #expect(teams[0].match == TicketMatch([.group: ["Billing"]]))
        #expect(teams[0].roles == [.lead: ["billing-leads"], .manager: ["ops-manager"], .director: ["director"]])
        #expect(teams[1].match == .any)
        #expect(teams[1].roles[.lead] == ["support-leads"])
    }

    @Test func channelsAndRelay() throws {
        let installed = try Installed()
        defer { installed.remove() }
        let configuration = installed.configuration
        #expect(Set(configuration.channels.keys) == ["support-leads", "billing-leads", "ops-manager", "director", "customers"])
        #expect(configuration.channels["support-leads"]?.type == .slack)
        #expect(configuration.channels["billing-leads"]?.type == .mattermost)
        #expect(configuration.channels["ops-manager"]?.type == .teams)
        #expect(configuration.channels["ops-manager"]?.timeout == Configuration.Defaults.channelTimeout)
        guard case .email(let relay, let to, let cc)? = configuration.channels["director"]?.kind,
              case .email(_, let customerTo, _)? = configuration.channels["customers"]?.kind
        else {
            Issue.record("director and customers should be email channels")
            return
        }
        #expect(relay == "main")
        #expect(to == ["director@example.com"])
        #expect(cc.isEmpty)
        #expect(customerTo.isEmpty)

        let main = try #require(configuration.relays["main"])
        #expect(main.url == "smtp://smtp.example.com:587")
        #expect(main.tls == .starttls)
        #expect(main.username == "slawatch")
        #expect(main.from == "Example Support <support@example.com>")
        #expect(main.password?.description == "file \(installed.directory.path)/secrets/smtp")
    }
}
