import SLAEngine

/// `teams`: name → `{match, lead, manager, director, executive}`.
extension Configuration {
    /// In file order with `default` moved last. Role values are channel names, checked
    /// against `channels` (none when the file has no such section: the daemon could not
    /// deliver to them).
    static func readTeams(_ node: ConfigNode?, channels: [String]?, customerChannels: Set<String> = []) -> [Team] {
        guard let node, let entries = node.mapping(what: "teams by name")?.entries else { return [] }
        let keys = ["match"] + Role.allCases.map(\.rawValue)
        var teams: [Team] = []
        var fallback: Team?
        for entry in entries {
            guard let fields = entry.value.mapping(allowed: keys, what: "a team") else { continue }
            let isDefault = entry.key == "default"
            var match = TicketMatch.any
            if let written = fields.entry("match") {
                if isDefault {
                    written.keyNode.report(
                        "the default team takes every ticket no other team matches, so it has no match; remove match, or give this team another name"
                    )
                } else {
                    match = readMatch(written.value) ?? .any
                }
            }
            var roles: [Role: [String]] = [:]
            for role in Role.allCases {
                guard let names = fields[role.rawValue]?.strings("a channel name", example: "support-leads") else { continue }
                for (name, at) in names {
                    at.checkReference(name, to: "channel", in: channels ?? [], section: "channels")
                    if customerChannels.contains(name) { at.report(reachesCustomers(name)) }
                }
                roles[role] = names.map(\.value)
            }
            let team = Team(name: entry.key, match: match, roles: roles)
            if isDefault { fallback = team } else { teams.append(team) }
        }
        return teams + (fallback.map { [$0] } ?? [])
    }
}
