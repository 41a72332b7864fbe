import BusinessTime
import SLAEngine

/// `policies`, `pause`, and the `match` conditions that policies and teams share.
extension Configuration {
    static let policyKeys = ["name", "match", "calendar", "targets", "ladder", "customer_notices", "group_targets"]

    /// At least one policy; names unique; `ladderNames` is nil when the file has no `ladders`.
    static func readPolicies(
        _ node: ConfigNode?, calendars: [String: BusinessCalendar], calendarNames: [String], ladderNames: [String]?
    ) -> [Policy] {
        guard let node, let items = node.list(of: "policies") else { return [] }
        if items.isEmpty { node.report("is empty; add at least one policy with a name and targets") }
        var firstNamed: [String: ConfigLocation] = [:]
        return items.compactMap { item in
            guard let fields = item.mapping(allowed: policyKeys, what: "a policy") else { return nil }
            let name = fields.required("name", example: "standard")?.string("a policy name")
            if let name, let at = fields["name"] {
                if let first = firstNamed[name] {
                    at.report("another policy is already named \"\(name)\" (line \(first.line)); give each policy its own name", .duplicateKey)
                } else {
                    firstNamed[name] = at.location
                }
            }
            let match = fields["match"].map { readMatch($0) ?? .any } ?? .any
            let calendar = fields["calendar"]?.reference(to: "calendar", in: calendarNames, section: "calendars")
            let groupTargets = fields["group_targets"].map { readGroupTargets($0) }
            let targets = groupTargets != nil && fields["targets"] == nil
                ? [:] : fields.required("targets", example: "{ any: { first_response: 1h } }").flatMap(readTargets)
            let ladders = readPolicyLadders(fields, ladderNames: ladderNames, groupTargets: groupTargets != nil)
            let customerNotices = fields["customer_notices"]?.bool() ?? true
            guard let name, let targets, groupTargets != .some(nil) else { return nil }
            return Policy(
                name: name, match: match, calendar: calendars[calendar ?? BusinessCalendar.alwaysOpen.name] ?? .alwaysOpen,
                targets: targets, ladder: ladders.any, ladders: ladders.byMetric, customerNotices: customerNotices,
                groupTargets: (groupTargets ?? nil) ?? [:]
            )
        }
    }

    /// Priority (or `any`) → metric → positive duration.
    private static func readTargets(_ node: ConfigNode) -> [TicketPriority?: [Metric: Int]]? {
        let priorities = TicketPriority.allCases.map(\.rawValue) + ["any"]
        guard let byPriority = node.mapping(allowed: priorities, what: "targets (a priority or any)") else { return nil }
        guard !byPriority.isEmpty else {
            node.report("is empty; give at least one target, such as any: { first_response: 1h }")
            return nil
        }
        var targets: [TicketPriority?: [Metric: Int]] = [:]
        var isValid = true
        for entry in byPriority.entries where priorities.contains(entry.key) {
            let metrics = Metric.priorityMetrics.map(\.rawValue) + [Metric.groupResponse.rawValue]
            guard let byMetric = entry.value.mapping(allowed: metrics, what: "targets by metric") else {
                isValid = false
                continue
            }
            if byMetric.isEmpty { entry.value.report("is empty; give a metric and a duration, such as first_response: 1h") }
            var durations: [Metric: Int] = [:]
            for target in byMetric.entries {
                if target.key == Metric.groupResponse.rawValue {
                    target.keyNode.report(
                        "group_response is set per group, not per priority; write group_targets: { GROUP: { group_response: 2h } } in the policy"
                    )
                    isValid = false
                    continue
                }
                guard let metric = Metric(rawValue: target.key) else { continue }
                guard let seconds = target.value.target() else {
                    isValid = false
                    continue
                }
                durations[metric] = seconds
            }
            targets[TicketPriority(rawValue: entry.key)] = durations
        }
        return isValid ? targets : nil
    }

    /// `ladder: NAME`, or `ladder: {metric: NAME, any: NAME}`; every name must be a ladder
    /// when the file has `ladders`, the default `default` included.
    private static func readPolicyLadders(
        _ fields: ConfigMapping, ladderNames: [String]?, groupTargets: Bool
    ) -> (any: String, byMetric: [Metric: String]) {
        let used = Metric.priorityMetrics + (groupTargets ? [.groupResponse] : [])
        var any = Defaults.ladder
        var byMetric: [Metric: String] = [:]
        let check = { (name: String, at: ConfigNode) in
            if let ladderNames { at.checkReference(name, to: "ladder", in: ladderNames, section: "ladders") }
        }
        guard let node = fields["ladder"] else {
            if let ladderNames, !ladderNames.contains(any) {
                fields.node.report(
                    "has no ladder, so it uses the ladder \"default\", which ladders does not define; add ladder: NAME or define ladders.default",
                    .undefinedName
                )
            }
            return (any, byMetric)
        }
        if case .mapping = node.node {
            let keys = Metric.allCases.map(\.rawValue) + ["any"]
            for entry in node.mapping(allowed: keys, what: "ladders by metric")?.entries ?? [] where keys.contains(entry.key) {
                guard let name = entry.value.string("a ladder name", example: "default") else { continue }
                check(name, entry.value)
                if let metric = Metric(rawValue: entry.key) { byMetric[metric] = name } else { any = name }
            }
            if any == Defaults.ladder, let ladderNames, !ladderNames.contains(any),
               used.contains(where: { byMetric[$0] == nil }) {
                node.report(
                    "leaves metrics to the ladder \"default\", which ladders does not define; add any: NAME or define ladders.default",
                    .undefinedName
                )
            }
        } else if let name = node.string("a ladder name", example: "default") {
            check(name, node)
            any = name
        }
        return (any, byMetric)
    }

    /// Field → a value or a list of them; `priority` values must be canonical.
    static func readMatch(_ node: ConfigNode) -> TicketMatch? {
        let fields = TicketMatch.Field.allCases.map(\.rawValue)
        guard let mapping = node.mapping(allowed: fields, what: "a match (ticket fields)") else { return nil }
        var conditions: [TicketMatch.Field: [String]] = [:]
        var isValid = true
        for entry in mapping.entries {
            guard let field = TicketMatch.Field(rawValue: entry.key) else { continue }
            if field == .priority {
                guard let priorities = entry.value.choices(TicketPriority.self, what: "a canonical priority") else {
                    isValid = false
                    continue
                }
                conditions[field] = priorities.map(\.rawValue)
            } else {
                guard let values = entry.value.strings("a value to match", example: "enterprise") else {
                    isValid = false
                    continue
                }
                conditions[field] = values.map(\.value)
            }
        }
        return isValid ? TicketMatch(conditions) : nil
    }

    /// Metric → the canonical statuses that stop it.
    static func readPause(_ node: ConfigNode?) -> PauseRules {
        let metrics = Metric.allCases.map(\.rawValue)
        guard let node, let mapping = node.mapping(allowed: metrics, what: "pause (statuses by metric)") else {
            return PauseRules()
        }
        var statuses: [Metric: Set<TicketStatus>] = [:]
        for entry in mapping.entries {
            guard let metric = Metric(rawValue: entry.key),
                  let stops = entry.value.choices(TicketStatus.self, what: "a canonical status")
            else { continue }
            statuses[metric] = Set(stops)
        }
        return PauseRules(statuses)
    }
}

extension ConfigNode {
    /// An SLA target: a positive duration of at most ten years (`Policy.longestTarget`).
    func target() -> Int? {
        guard let seconds = duration() else { return nil }
        guard seconds <= Policy.longestTarget else {
            report("\"\(string("a duration", example: "4h") ?? "")\" is longer than 3650d; an SLA target is at most ten years")
            return nil
        }
        return seconds
    }
}
