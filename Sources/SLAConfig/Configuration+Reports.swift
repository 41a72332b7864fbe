import BusinessTime
import SLAReport

/// `credits:` (service credits per customer tier) and `reports:` (scheduled reports).
extension Configuration {
    /// `credits: {TIER: {target: 95%, per_point: 10%, cap: 50%}}`, keyed by tier lowercased.
    static func readCredits(_ node: ConfigNode?) -> [String: CreditRule] {
        guard let tiers = node?.mapping(what: "credit rules by customer tier") else { return [:] }
        var rules: [String: CreditRule] = [:]
        for entry in tiers.entries {
            guard let fields = entry.value.mapping(
                allowed: ["target", "per_point", "cap"], what: "a credit rule such as {target: 95%, per_point: 10%, cap: 50%}")
            else { continue }
            let target = fields.required("target", example: "95%")?.percentage(example: "95%")
            let perPoint = fields.required("per_point", example: "10%")?.percentage(example: "10%")
            let cap = fields["cap"].map { $0.percentage(example: "50%") } ?? 10_000
            guard let target, let perPoint, let cap else { continue }
            rules[entry.key.lowercased()] = CreditRule(target: target, perPoint: perPoint, cap: cap)
        }
        return rules
    }

    /// `reports:`: a list of `{name, every, at, calendar, by, to}`.
    static func readReports(
        _ node: ConfigNode?, calendars: [String: BusinessCalendar], calendarNames: [String], channels: [String]?,
        channelConfigs: [String: ChannelConfig]
    ) -> [ReportSchedule] {
        guard let items = node?.list(of: "scheduled reports") else { return [] }
        var reports: [ReportSchedule] = []
        var names: [String: ConfigNode] = [:]
        for item in items {
            guard let fields = item.mapping(
                allowed: ["name", "every", "at", "calendar", "by", "to"],
                what: "a scheduled report such as {every: week, at: \"mon 09:00\", to: [support-leads]}")
            else { continue }
            let every = fields.required("every", example: "week")?.choice(ReportSchedule.Period.self, what: "a report period")
            let atNode = fields.required("at", example: every == .month ? "\"1 09:00\"" : "\"mon 09:00\"")
            let cadence = every.flatMap { every in atNode?.reportMoment(every) }
            var calendar = "24x7", zone = ReportZone.utc
            if let written = fields["calendar"], let name = written.reference(to: "calendar", in: calendarNames, section: "calendars") {
                calendar = name
                if let found = calendars[name] { zone = ReportZone(found.timeZone) }
            }
            var by: [ReportDimension] = []
            if let written = fields["by"], let keys = written.strings("a key to group by", example: "priority") {
                for (key, at) in keys {
                    switch ReportDimension.list(key) {
                    case .success(let dimensions): by += dimensions
                    case .failure(let error): at.report(error.message)
                    }
                }
            }
            var to: [String] = []
            if let names = fields.required("to", example: "[support-leads]")?.strings("a channel name", example: "support-leads") {
                for (name, at) in names {
                    at.checkReference(name, to: "channel", in: channels ?? [], section: "channels")
                    if case .email(_, let recipients, _) = channelConfigs[name]?.kind, recipients.isEmpty {
                        at.report("channel \"\(name)\" mails each ticket's customer, and a report is about no one ticket; "
                            + "name a channel with to: addresses")
                    }
                }
                to = names.map(\.value)
                if to.isEmpty { fields["to"]?.report("is empty; name at least one channel, such as [support-leads]") }
            }
            let nameNode = fields["name"]
            let name = nameNode.map { $0.string("a report name", example: "weekly-compliance") } ?? every.map { "\($0.rawValue)ly" }
            guard let name, let cadence else { continue }
            if let earlier = names[name] {
                (nameNode ?? item).report(
                    "another report (\(earlier.location.line):\(earlier.location.column)) is already named \"\(name)\"; "
                        + "give each report its own name: name: \(name)-2")
                continue
            }
            names[name] = nameNode ?? item
            reports.append(ReportSchedule(name: name, cadence: cadence, calendar: calendar, zone: zone, by: by, to: to))
        }
        return reports
    }
}

extension ReportSchedule {
    /// What `every` accepts.
    enum Period: String, CaseIterable {
        case week, month
    }
}

extension ConfigNode {
    /// A percentage such as `95%` or `2.5%`, from 0 to 100, in hundredths of a percent.
    func percentage(example: String) -> Int? {
        guard let text = string("a percentage", example: example) else { return nil }
        let number = text.hasSuffix("%") ? text.dropLast() : Substring(text)
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard text.hasSuffix("%"), (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
              let whole = Int(parts[0]), whole >= 0, parts.count == 1 || (parts[1].count <= 2 && Int(parts[1]) != nil)
        else {
            report("\"\(text)\" is not a percentage; write one such as \(example) (at most two decimals)")
            return nil
        }
        let fraction = parts.count == 2 ? Int(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0))! : 0
        let value = whole * 100 + fraction
        guard value > 0, value <= 10_000 else {
            report("\"\(text)\" is not between 0% and 100%; write one such as \(example)")
            return nil
        }
        return value
    }

    /// `at` of a scheduled report: `mon 09:00` for a weekly one, `1 09:00` (day 1 to 28) for a monthly one.
    func reportMoment(_ every: ReportSchedule.Period) -> ReportSchedule.Cadence? {
        let example = every == .week ? "\"mon 09:00\"" : "\"1 09:00\""
        guard let text = string("a day and a time", example: example) else { return nil }
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        let time = parts.count == 2 ? parts[1].split(separator: ":", omittingEmptySubsequences: false) : []
        guard time.count == 2, time[0].count == 2, time[1].count == 2, let hour = Int(time[0]), let minute = Int(time[1]),
              (0..<24).contains(hour), (0..<60).contains(minute)
        else {
            report("\"\(text)\" is not a day and a time; write \(example)"
                + (every == .week ? " (a weekday, then HH:MM)" : " (a day of the month from 1 to 28, then HH:MM)"))
            return nil
        }
        let seconds = hour * 3600 + minute * 60
        switch every {
        case .week:
            guard let day = Weekday(key: parts[0]) else {
                report("\"\(parts[0])\" is not a weekday; weekly reports go out on mon, tue, wed, thu, fri, sat or sun, as in \"mon 09:00\"")
                return nil
            }
            return .weekly(day, secondsPastMidnight: seconds)
        case .month:
            guard let day = Int(parts[0]), (1...28).contains(day) else {
                report("\"\(parts[0])\" is not a day from 1 to 28; monthly reports go out on a day every month has, as in \"1 09:00\"")
                return nil
            }
            return .monthly(day: day, secondsPastMidnight: seconds)
        }
    }
}
