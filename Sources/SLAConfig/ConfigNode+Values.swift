import BusinessTime
import Foundation
import SLAEngine
import Yams

/// Readers for the value types of the configuration: time windows, dates, zones,
/// thresholds, addresses, rates and JSON Pointers.
extension ConfigNode {
    /// The keys of a mapping, read without reporting anything, so that names can be checked
    /// before the section that defines them is read; empty for anything but a mapping.
    var writtenKeys: [String] {
        guard case .mapping(let pairs) = node else { return [] }
        return pairs.compactMap { $0.key.scalar.map { ConfigMapping.writtenKey($0.string) } }
    }

    /// Several values of an enumeration, written as one or a list.
    func choices<T: RawRepresentable & CaseIterable>(_ type: T.Type, what: String) -> [T]? where T.RawValue == String {
        guard let items = strings(what, example: T.allCases.first?.rawValue) else { return nil }
        let values = items.map { $0.node.choice(T.self, what: what) }
        return values.contains { $0 == nil } ? nil : values.compactMap { $0 }
    }

    /// An open window, `HH:MM-HH:MM`.
    func window() -> TimeWindow? {
        guard let text = string("a time window", example: "09:00-17:00") else { return nil }
        let hint = "write HH:MM-HH:MM in 24-hour time, such as 09:00-17:00 (24:00 may end a window, 22:00-06:00 runs overnight)"
        do {
            return try TimeWindow(parsing: text)
        } catch {
            switch error {
            case .notAWindow:
                report("\"\(text)\" is not a time window; \(hint)")
            case .badTime(let part):
                report("\"\(text)\" is not a time window: \"\(part.trimmingCharacters(in: .whitespaces))\" is not a time; \(hint)")
            case .empty:
                report("\"\(text)\" starts and ends at the same time; write a window that lasts, or 00:00-24:00 for the whole day")
            }
            return nil
        }
    }

    /// A list of windows (or one) that do not overlap one another.
    func windows() -> [TimeWindow]? {
        guard let items = strings("a time window", example: "09:00-17:00") else { return nil }
        var accepted: [(window: TimeWindow, node: ConfigNode)] = []
        for item in items {
            guard let window = item.node.window() else { continue }
            if let earlier = accepted.first(where: { $0.window.span.overlaps(window.span) }) {
                item.node.report("\"\(window)\" overlaps \"\(earlier.window)\"; make the windows separate, or join them into one")
                continue
            }
            accepted.append((window, item.node))
        }
        return accepted.count == items.count ? accepted.map(\.window) : nil
    }

    /// A date, `YYYY-MM-DD`.
    func date() -> LocalDate? {
        guard let text = string("a date", example: "2026-12-24") else { return nil }
        guard let date = LocalDate(iso: text) else {
            report("\"\(text)\" is not a date; write YYYY-MM-DD, such as 2026-12-24")
            return nil
        }
        return date
    }

    /// A zone or link name of the machine's tz database (`TimeZoneNames`), which
    /// `TimeZone(identifier:)` loads.
    ///
    /// `TimeZone(identifier:)` also accepts abbreviations and POSIX rules (`GMT+5`) whose
    /// meaning is not what most people expect, so only the database's names are taken. A
    /// link (`Asia/Calcutta`, `US/Eastern`) works and draws a warning that names its zone.
    func timeZone(names: TimeZoneNames = .installed) -> TimeZone? {
        guard let text = string("an IANA time zone", example: "America/New_York") else { return nil }
        let lookup = names.lookup(text)
        if lookup != .unknown, let zone = TimeZone(identifier: text) {
            if case .link(let target) = lookup, text != "UTC" {
                warn("\"\(text)\" is an old name (a link) of the tz database for \(target); it works, but write \(target)")
            }
            return zone
        }
        var message = "\"\(text)\" is not an IANA time zone: the tz database has no such zone or link"
        if let hours = ConfigNode.offsetHours(text) {
            // A close name would be another offset (GMT+2 → GMT+0), which helps no one.
            let fixed = hours.map { "; for a fixed UTC\($0 < 0 ? "-" : "+")\(abs($0)) all year write Etc/GMT\($0 > 0 ? "-" : "+")\(abs($0)) (the sign is reversed)" } ?? ""
            report(message + ": an offset, not a zone, ignores daylight saving time; write the zone of the place, such as Europe/Berlin\(fixed)")
            return nil
        }
        let known = Array(names.all)
        if let close = known.first(where: { $0.lowercased() == text.lowercased() }) ?? Suggestion.closest(to: text, in: known.sorted()) {
            message += " (did you mean \(close)?)"
        }
        report(message + "; write a zone database name such as America/New_York, Europe/Berlin or UTC (timedatectl list-timezones lists them)")
        return nil
    }

    /// Whether `text` is a UTC offset (`GMT+2`, `UTC-05:30`, `+01:00`): the hours when it is
    /// a whole number of them, within the tz database's `Etc/GMT` range; nil inside when not.
    /// Nil when `text` is no offset.
    static func offsetHours(_ text: String) -> Int?? {
        var rest = Substring(text.uppercased())
        for prefix in ["GMT", "UTC", "UT"] where rest.hasPrefix(prefix) {
            rest = rest.dropFirst(prefix.count)
            break
        }
        guard let sign = rest.first, sign == "+" || sign == "-" else { return nil }
        let parts = rest.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.count <= 2 && $0.allSatisfy(\.isASCII) }),
              let hours = Int(parts[0]), parts.count == 1 || Int(parts[1]) != nil
        else { return nil }
        let minutes = parts.count == 2 ? Int(parts[1])! : 0
        let signed = sign == "-" ? -hours : hours
        return .some(minutes == 0 && (-12...14).contains(signed) && signed != 0 ? signed : nil)
    }

    /// A ladder threshold: `75%`, `breach`, `breach-1h`, `breach+2h`.
    func threshold() -> Threshold? {
        guard let text = string("a threshold", example: "75%") else { return nil }
        if text.hasSuffix("%") {
            let number = text.dropLast()
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                  let percent = Double(number)
            else {
                report("\"\(text)\" is not a threshold; write a percent of the target such as 75%, or breach, breach-1h or breach+2h")
                return nil
            }
            guard percent > 0 else {
                report("\"\(text)\" fires at once; write a percent above 0, such as 50%")
                return nil
            }
            guard percent <= 100 else {
                report("\"\(text)\" is past the due time; a percent is at most 100%, "
                    + "so for a step after breach write breach+ a duration, such as breach+2h")
                return nil
            }
            return .percent(percent)
        }
        if text == "breach" { return .breach(offsetSeconds: 0) }
        if text.hasPrefix("breach+") || text.hasPrefix("breach-") {
            let offset = String(text.dropFirst("breach+".count))
            switch DurationSyntax.seconds(in: offset) {
            case .success(let seconds) where seconds > 0:
                return .breach(offsetSeconds: text.hasPrefix("breach+") ? seconds : -seconds)
            case .success:
                report("\"\(text)\" is the due time itself; write breach")
            case .failure:
                report("\"\(text)\": \"\(offset)\" is not a duration; write breach-D or breach+D with D such as 90s, 30m, 1h or 2d")
            }
            return nil
        }
        let percentHint = !text.isEmpty && text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) ? "\(text)%" : "75%"
        report("\"\(text)\" is not a threshold; write \(percentHint), breach, breach-1h or breach+2h")
        return nil
    }

    /// `HOST:PORT`, with an IPv6 host in brackets.
    func listenAddress() -> String? {
        guard let text = string("an address", example: "127.0.0.1:9469") else { return nil }
        let hint = "write an address and a port (0 to 65535) such as 127.0.0.1:9469, [::1]:9469 or 0.0.0.0:9469"
        guard let colon = text.lastIndex(of: ":") else {
            report("\"\(text)\" is not HOST:PORT; \(hint)")
            return nil
        }
        let host = String(text[..<colon]), port = text[text.index(after: colon)...]
        // Port 0 lets the system choose (tests, or several daemons on one host).
        guard !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(port),
              (0...65_535).contains(number)
        else {
            report("\"\(text)\" is not HOST:PORT: \"\(port)\" is not a port number; \(hint)")
            return nil
        }
        if let problem = ListenHost.problem(host) {
            report("\"\(text)\" is not HOST:PORT: \(problem); \(hint)")
            return nil
        }
        return text
    }

    /// A rate: `1/s`, `20/m`, `100/h`.
    func rateLimit() -> RateLimit? {
        guard let text = string("a rate", example: "1/s") else { return nil }
        guard let limit = RateLimit(parsing: text) else {
            report("\"\(text)\" is not a rate; write a count per second, minute or hour, such as 1/s, 20/m or 100/h")
            return nil
        }
        return limit
    }

    /// A mail address, `name@example.com`, or with `displayName` also `Name <name@example.com>`.
    func mailbox(displayName: Bool) -> String? {
        let example = displayName ? "\"Support <support@example.com>\"" : "name@example.com"
        guard let text = string("an email address", example: example) else { return nil }
        var address = Substring(text)
        if displayName, text.hasSuffix(">"), let open = text.lastIndex(of: "<") {
            address = text[text.index(after: open)..<text.index(before: text.endIndex)]
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        let isAddress = parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !address.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" })
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !parts[1].contains("..")
        guard isAddress else {
            let forms = displayName ? "name@example.com or \"Name <name@example.com>\"" : "name@example.com"
            report("\"\(text)\" is not an email address; write \(forms)")
            return nil
        }
        return text
    }

    /// Several addresses, written as one or a list.
    func mailboxes() -> [String]? {
        guard let items = strings("an email address", example: "name@example.com") else { return nil }
        let addresses = items.map { $0.node.mailbox(displayName: true) }
        return addresses.contains { $0 == nil } ? nil : addresses.compactMap { $0 }
    }

    /// A JSON Pointer (RFC 6901) into a document: `/tickets`, `/data/0/id`.
    func jsonPointer() -> String? {
        guard let text = string("a JSON Pointer", example: "/tickets") else { return nil }
        guard text.hasPrefix("/") else {
            report("\"\(text)\" is not a JSON Pointer; write it from the document's root, starting with /, such as /\(text)")
            return nil
        }
        return text
    }

    /// An `http://` or `https://` URL that is not a secret; `${NAME}` is replaced from the environment now.
    func webURL(example: String = "https://help.example.com") -> String? {
        guard let url = interpolated("a URL", example: example) else { return nil }
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            report("is not an http:// or https:// URL; write the full URL, such as \(example)")
            return nil
        }
        return url
    }
}
