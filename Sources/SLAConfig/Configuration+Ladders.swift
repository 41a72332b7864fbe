import SLAEngine

/// `ladders`: name → a list of steps, or `{all_clear, steps}`.
extension Configuration {
    static let stepKeys = ["at", "notify", "repeat", "customer_notice", "set_priority", "add_tag"]

    /// `channels` are the names a step may notify besides the roles; never one of
    /// `customerChannels`, which reach customers. Without a source that `writesBack`, a
    /// step's `set_priority` and `add_tag` change nothing, and a warning says so.
    static func readLadders(
        _ node: ConfigNode?, channels: [String], customerChannels: Set<String> = [], writesBack: Bool = true
    ) -> [String: EscalationLadder] {
        guard let node, let entries = node.mapping(what: "ladders by name")?.entries else { return [:] }
        var ladders: [String: EscalationLadder] = [:]
        for entry in entries {
            var allClear = false
            var stepList: ConfigNode? = entry.value
            if case .mapping = entry.value.node {
                let fields = entry.value.mapping(allowed: ["all_clear", "steps"], what: "a ladder")
                allClear = fields?["all_clear"]?.bool() ?? false
                stepList = fields?.required("steps", example: "a list of steps, each with at and notify")
            }
            guard let items = stepList?.list(of: "ladder steps (each with at and notify)") else { continue }
            let steps = items.map { readStep($0, channels: channels, customerChannels: customerChannels, writesBack: writesBack) }
            guard !steps.contains(where: { $0 == nil }) else { continue }
            ladders[entry.key] = EscalationLadder(name: entry.key, steps: steps.compactMap { $0 }, allClear: allClear)
        }
        return ladders
    }

    private static func readStep(_ node: ConfigNode, channels: [String], customerChannels: Set<String>, writesBack: Bool) -> LadderStep? {
        guard let fields = node.mapping(allowed: stepKeys, what: "a ladder step") else { return nil }
        if !writesBack {
            for key in ["set_priority", "add_tag"] { fields[key]?.warn(changesNoTicket(key)) }
        }
        let at = fields.required("at", example: "75%")
        let label = at?.string("a threshold", example: "75%")
        let threshold = at?.threshold()
        let notice = fields["customer_notice"]?.choice(CustomerNoticeTemplate.self, what: "a customer template")?.rawValue
        let setPriority = fields["set_priority"]?.choice(TicketPriority.self, what: "a canonical priority")
        let addTag = fields["add_tag"]?.string("a tag", example: "sla-breached")

        var notify: [String] = []
        var notifyIsValid = true
        if let written = fields["notify"] {
            if let names = readNotify(written, channels: channels, customerChannels: customerChannels) {
                notify = names
            } else {
                notifyIsValid = false
            }
        } else if fields["customer_notice"] == nil && fields["set_priority"] == nil && fields["add_tag"] == nil {
            _ = fields.required("notify", example: "lead (a role or a channel), or customer_notice: TEMPLATE")
        }

        var repeatEvery: Int?
        if let written = fields.entry("repeat") {
            repeatEvery = written.value.duration()
            if let threshold, let label, !threshold.isBreach {
                written.keyNode.report(
                    "a step at \(label) fires before breach and cannot repeat; "
                        + "remove repeat, or put it on a step at breach or later (breach, breach+1h)"
                )
            }
        }
        guard let label, let threshold, notifyIsValid else { return nil }
        return LadderStep(
            label: label, threshold: threshold, notify: notify, repeatEvery: repeatEvery, customerNotice: notice,
            setPriority: setPriority, addTag: addTag
        )
    }

    /// The warning for a change at the helpdesk that no source will make.
    static func changesNoTicket(_ key: String) -> String {
        "changes no ticket: no source has write_back: true; set it on a zendesk or freshdesk source, or remove \(key)"
    }
}
