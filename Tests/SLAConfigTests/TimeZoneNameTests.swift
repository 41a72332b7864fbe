import Foundation
import SLAConfig
import Testing

/// Every name of the machine's tz database is a calendar's `timezone`, links included.
@Suite struct TimeZoneNameTests {
    /// The zone (`Z`) and link (`L`) names of `tzdata.zi`, read here with a plain split.
    static let database: (zones: [String], links: [(name: String, target: String)]) = {
        let text = (try? String(contentsOfFile: "/usr/share/zoneinfo/tzdata.zi", encoding: .utf8)) ?? ""
        var zones: [String] = []
        var links: [(String, String)] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            if fields.first == "Z" { zones.append(fields[1]) }
            if fields.first == "L" { links.append((fields[2], fields[1])) }
        }
        return (zones, links)
    }()

    static func calendar(_ zone: String) -> String {
        """
        calendars:
          office:
            timezone: "\(zone)"
            week: { mon-fri: ["09:00-17:00"] }
        policies:
          - name: standard
            calendar: office
            targets: { any: { first_response: 1h } }
        """
    }

    static func load(_ zone: String) throws -> Configuration {
        try Configuration.parse(yaml: calendar(zone), file: ConfigFixture.file, baseDirectory: "/nonexistent")
    }

    @Test func theDatabaseIsThere() {
        #expect(Self.database.zones.count > 300)
        #expect(Self.database.links.count > 100)
        #expect(Self.database.zones.contains("Asia/Kolkata"))
    }

    @Test func everyZoneNameIsAccepted() throws {
        var refused: [String] = []
        for zone in Self.database.zones {
            do {
                let configuration = try Self.load(zone)
                #expect(configuration.calendars["office"]?.timeZone.identifier == zone)
                #expect(configuration.warnings.isEmpty, "\(zone): \(configuration.warnings)")
            } catch {
                refused.append("\(zone): \(error)")
            }
        }
        #expect(refused.isEmpty, "\(refused)")
    }

    @Test func everyLinkNameIsAcceptedWithAWarningNamingItsZone() throws {
        var refused: [String] = []
        for link in Self.database.links {
            do {
                let configuration = try Self.load(link.name)
                #expect(configuration.calendars["office"]?.timeZone != nil)
                if link.name != "UTC" {
                    #expect(configuration.warnings.count == 1, "\(link.name)")
                    #expect(configuration.warnings.first?.description.contains("write \(link.target)") == true,
                            "\(configuration.warnings)")
                    #expect(configuration.warnings.first?.location.path == "calendars.office.timezone")
                }
            } catch {
                refused.append("\(link.name): \(error)")
            }
        }
        #expect(refused.isEmpty, "\(refused)")
    }

    @Test(arguments: ["Asia/Kolkata", "Asia/Saigon", "Asia/Istanbul", "America/Buenos_Aires", "Australia/NSW",
                      "US/Eastern", "CET", "EST5EDT"])
    func namesICUDoesNotListAreAccepted(_ zone: String) throws {
        #expect(throws: Never.self) { try Self.load(zone) }
    }

    @Test func aTypoStillGetsASuggestion() {
        let diagnostics = ConfigFixture.diagnostics(Self.calendar("Asia/Kolkatta"))
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("did you mean Asia/Kolkata?") == true, "\(diagnostics)")
    }
}
