import Foundation

/// The names of the tz database installed on the machine: its zones and its links (the
/// backward-compatible names such as `Asia/Calcutta`, `US/Eastern` or `Asia/Saigon`).
///
/// Read from `tzdata.zi` in the zone directory (`$TZDIR`, else `/usr/share/zoneinfo`),
/// the one file that lists both kinds of name. Without it, every name Foundation knows
/// (ICU's canonical names) counts as a zone. `TimeZone(identifier:)` reads the same
/// directory, so a name found here is one it can load.
struct TimeZoneNames: Sendable {
    /// Zone names (`Z` lines), `UTC`'s own `Etc/UTC` included.
    var zones: Set<String>
    /// Link name → the zone it names (`L` lines).
    var links: [String: String]

    /// The machine's database, read once.
    static let installed = TimeZoneNames(
        directory: ProcessInfo.processInfo.environment["TZDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/share/zoneinfo")

    init(zones: Set<String>, links: [String: String]) {
        self.zones = zones
        self.links = links
    }

    /// Reads `directory/tzdata.zi`, falling back to Foundation's names.
    init(directory: String) {
        guard let data = FileManager.default.contents(atPath: directory + "/tzdata.zi") else {
            self.init(zones: Set(TimeZone.knownTimeZoneIdentifiers + ["UTC"]), links: [:])
            return
        }
        self.init(tzdata: String(decoding: data, as: UTF8.self))
    }

    /// Parses the compact `tzdata.zi` text: `Z NAME …` is a zone, `L TARGET NAME` a link.
    init(tzdata: String) {
        var zones = Set<String>()
        var links: [String: String] = [:]
        for line in tzdata.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, fields[0] == "Z" {
                zones.insert(String(fields[1]))
            } else if fields.count >= 3, fields[0] == "L" {
                links[String(fields[2])] = String(fields[1])
            }
        }
        self.init(zones: zones, links: links)
    }

    /// Every name, zones and links.
    var all: some Sequence<String> { zones.union(links.keys) }

    /// What a written name is in this database.
    enum Lookup: Equatable {
        /// A zone of its own.
        case zone
        /// A link to the zone named.
        case link(to: String)
        /// Not in the database.
        case unknown
    }

    func lookup(_ name: String) -> Lookup {
        if zones.contains(name) { return .zone }
        if let target = links[name] { return .link(to: target) }
        return .unknown
    }
}
