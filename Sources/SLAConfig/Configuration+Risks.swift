import SLAEngine

/// `risks`, `surges`, and a policy's `group_targets`.
extension Configuration {
    /// Per risk, its keys besides `notify`, and which of them are required.
    private static let riskKeys: [RiskKind: (keys: [String], required: [String])] = [
        .followUps: (["count", "within"], ["count"]),
        .reassignments: (["count"], ["count"]),
        .reopened: (["count"], []),
        .pingPong: (["exchanges"], ["exchanges"]),
        .stalled: (["after"], ["after"]),
    ]
    private static let riskExamples = ["count": "3", "within": "24h", "exchanges": "6", "after": "3d"]

    /// `risks: {NAME: {…, notify}}`, in file order; only the risks written run.
    static func readRisks(_ node: ConfigNode?, channels: [String], customerChannels: Set<String> = []) -> [RiskRule] {
        guard let node, let mapping = node.mapping(allowed: RiskKind.allCases.map(\.rawValue), what: "risks") else { return [] }
        var rules: [RiskRule] = []
        for entry in mapping.entries {
            guard let kind = RiskKind(rawValue: entry.key), let shape = riskKeys[kind] else { continue }
            guard let fields = entry.value.mapping(allowed: shape.keys + ["notify"], what: "the \(kind.rawValue) detector") else { continue }
            var isValid = true
            for key in shape.required where fields.required(key, example: riskExamples[key] ?? "") == nil { isValid = false }
            let notify = fields.required("notify", example: "lead (a role of the ticket's team, or a channel)")
                .flatMap { readNotify($0, channels: channels, customerChannels: customerChannels) }
            var rule = RiskRule(kind: kind, notify: notify ?? [])
            for key in ["count", "exchanges"] where shape.keys.contains(key) {
                guard let written = fields[key] else { continue }
                if let count = written.count() { rule.count = count } else { isValid = false }
            }
            for key in ["within", "after"] where shape.keys.contains(key) {
                guard let written = fields[key] else { continue }
                if let seconds = written.duration() { rule.seconds = seconds } else { isValid = false }
            }
            if isValid, notify != nil { rules.append(rule) }
        }
        return rules
    }

    /// `surges: [{by, over, notify, min_open}]`.
    static func readSurges(_ node: ConfigNode?, channels: [String], customerChannels: Set<String> = []) -> [SurgeRule] {
        guard let node, let items = node.list(of: "surge rules (each with by, over and notify)") else { return [] }
        var seen: [SurgeRule.Dimension: Int] = [:]
        return items.enumerated().compactMap { index, item in
            guard let fields = item.mapping(allowed: ["by", "over", "notify", "min_open"], what: "a surge rule") else { return nil }
            let by = fields.required("by", example: "group")?.choice(SurgeRule.Dimension.self, what: "what to count open tickets by")
            if let by, let at = fields["by"] {
                if let first = seen[by] {
                    at.report("surges[\(first)] already counts by \(by.rawValue); give each of group, tier and channel one rule", .duplicateKey)
                } else {
                    seen[by] = index
                }
            }
            let over = fields.required("over", example: "50%")?.percentAbove()
            let notify = fields.required("notify", example: "manager (a role, or a channel)").flatMap { readNotify($0, channels: channels, customerChannels: customerChannels) }
            let minOpen = fields["min_open"].map { $0.count() }
            guard let by, let over, let notify, minOpen != .some(nil) else { return nil }
            return SurgeRule(by: by, overPercent: over, minOpen: (minOpen ?? nil) ?? 5, notify: notify)
        }
    }

    /// `group_targets: {GROUP: {group_response: DURATION}}`.
    static func readGroupTargets(_ node: ConfigNode) -> [String: Int]? {
        guard let groups = node.mapping(what: "targets by group, such as Engineering: { group_response: 2h }") else { return nil }
        var targets: [String: Int] = [:]
        var isValid = true
        for entry in groups.entries {
            guard let fields = entry.value.mapping(allowed: [Metric.groupResponse.rawValue], what: "a group's targets") else {
                isValid = false
                continue
            }
            guard let seconds = fields.required(Metric.groupResponse.rawValue, example: "2h")?.target() else {
                isValid = false
                continue
            }
            targets[entry.key] = seconds
        }
        return isValid ? targets : nil
    }

    /// Roles or channel names; a channel must be defined, and be the team's: never one of
    /// `customerChannels` (the customer channel, or an email channel that mails each ticket's customer).
    static func readNotify(_ node: ConfigNode, channels: [String], customerChannels: Set<String> = []) -> [String]? {
        guard let names = node.strings("a role or channel name", example: "lead") else { return nil }
        let roles = Role.allCases.map(\.rawValue)
        var isValid = true
        for (name, item) in names where !roles.contains(name) {
            item.checkReference(name, to: "role or channel", in: roles + channels, section: "channels")
            if customerChannels.contains(name) {
                item.report(reachesCustomers(name))
                isValid = false
            }
        }
        return isValid ? names.map(\.value) : nil
    }

    /// Why `channel` cannot carry what is meant for the team.
    static func reachesCustomers(_ channel: String) -> String {
        "channel \"\(channel)\" reaches customers, and this is for the team alone; name a role or a team channel"
    }
}

extension ConfigNode {
    /// A percent above zero: `50%`.
    func percentAbove() -> Double? {
        guard let text = string("a percent", example: "50%") else { return nil }
        let number = text.hasSuffix("%") ? String(text.dropLast()) : ""
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let value = Double(number), value > 0 else {
            report("\"\(text)\" is not a percent above 0; write one such as 50%")
            return nil
        }
        return value
    }
}
