import Foundation
import SLAEngine

/// `actions`: signed links, how long acknowledgements and snoozes hold, and Slack buttons.
public struct ActionSettings: Sendable {
    /// Every default of `actions`, in one place.
    public enum Defaults {
        /// `link_ttl`: links expire a week after the message that carries them.
        public static let linkTTL = 7 * 86_400
        /// `ack_for`: an acknowledgement holds the ladder four hours unless it says otherwise.
        public static let ackFor = 4 * 3600
        /// `snooze_for`.
        public static let snoozeFor = 3600
    }

    /// The longest an acknowledgement, a snooze or a silence holds: 30 days, however it is asked for.
    public static let longestHold = 30 * 86_400

    /// `key_file`: HMAC keys for signed links, one a line (at least 32 bytes each); the
    /// first signs, every one verifies. Nil: no links.
    public var keyFile: SecretReference?
    /// `link_ttl`: seconds a link stays valid after its message is worded.
    public var linkTTL = Defaults.linkTTL
    /// `ack_for`: seconds an acknowledgement holds the ladder when it names no duration.
    public var ackFor = Defaults.ackFor
    /// `snooze_for`: seconds a snooze holds the ladder.
    public var snoozeFor = Defaults.snoozeFor
    /// `ack_tag`: the tag an acknowledgement puts on the ticket at the helpdesk, on sources
    /// with `write_back: true`; nil for none.
    public var ackTag: String?
    /// `slack_signing_secret_file`: a Slack app's signing secret; turns on `POST /slack/actions`.
    public var slackSigningSecret: SecretReference?
    /// True when `key_file` is written, valid or not: its absence is reported once.
    var keyFileWritten = false

    public init() {}
}

extension Configuration {
    static let actionKeys = ["key_file", "link_ttl", "ack_for", "snooze_for", "ack_tag", "slack_signing_secret_file"]
    static let exceptionKeys = ["name", "from", "until", "match", "pause", "targets_factor"]

    /// `public_url`: `https://HOST[/PATH]`, or `http://` on loopback; kept without a trailing slash.
    static func readPublicURL(_ node: ConfigNode?) -> String? {
        guard let node, let url = node.webURL(example: "https://slawatch.example.com") else { return nil }
        guard let parts = URLComponents(string: url), let host = parts.host, !host.isEmpty,
              parts.query == nil, parts.fragment == nil, parts.user == nil else {
            node.report("\"\(url)\" is not a base URL; write scheme, host and an optional path, such as https://slawatch.example.com")
            return nil
        }
        if parts.scheme == "http" && !["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased()) {
            node.report("\"\(url)\" is plain http on a host other than loopback: links in messages carry signed tokens; "
                + "write https:// and let a reverse proxy terminate TLS, or use http://127.0.0.1 for a local test")
            return nil
        }
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }

    /// A hold's duration, refused past the 30 days an answer may ask for.
    private static func hold(_ node: ConfigNode?) -> Int? {
        guard let node, let seconds = node.duration() else { return nil }
        guard seconds <= ActionSettings.longestHold else {
            node.report("\"\(node.string("a duration", example: "4h") ?? "")\" is more than 30d; an acknowledgement, a snooze or a silence holds at most 30 days")
            return nil
        }
        return seconds
    }

    static func readActions(_ node: ConfigNode?, writesBack: Bool = true) -> ActionSettings {
        var settings = ActionSettings()
        guard let fields = node?.mapping(allowed: actionKeys, what: "action settings") else { return settings }
        settings.keyFile = fields["key_file"]?.secret(.file)
        settings.keyFileWritten = fields["key_file"] != nil
        if let ttl = fields["link_ttl"]?.duration() { settings.linkTTL = ttl }
        if let ackFor = hold(fields["ack_for"]) { settings.ackFor = ackFor }
        if let snoozeFor = hold(fields["snooze_for"]) { settings.snoozeFor = snoozeFor }
        settings.ackTag = fields["ack_tag"]?.string("a tag", example: "sla-acked")
        if settings.ackTag != nil, !writesBack { fields["ack_tag"]?.warn(changesNoTicket("ack_tag")) }
        settings.slackSigningSecret = fields["slack_signing_secret_file"]?.secret(.file)
        return settings
    }

    /// `exceptions`: a list of windows with `pause: true` or `targets_factor`.
    static func readExceptions(_ node: ConfigNode?) -> [SLAException] {
        guard let items = node?.list(of: "exceptions") else { return [] }
        var exceptions: [SLAException] = []
        var names: [String: ConfigLocation] = [:]
        for item in items {
            guard let fields = item.mapping(allowed: exceptionKeys, what: "an exception") else { continue }
            let name = fields.required("name", example: "black-friday")?.string("a name", example: "black-friday")
            if let name, let nameNode = fields["name"] {
                if let first = names[name] {
                    nameNode.report("\"\(name)\" names another exception too (line \(first.line)); give each exception its own name")
                } else {
                    names[name] = nameNode.location
                }
            }
            let from = fields.required("from", example: "2026-11-27T00:00:00-05:00")?.instant()
            let until = fields.required("until", example: "2026-11-30T23:59:59-05:00")?.instant()
            if let from, let until, until <= from {
                fields["until"]?.report("is not after from; write an instant after \(Timestamp(from))")
            }
            let match = fields["match"].map { readMatch($0) ?? .any } ?? .any
            let pause = fields["pause"]?.bool() ?? false
            var factor: Double?
            if let written = fields["targets_factor"], let text = written.string("a number", example: "2") {
                if let value = Double(text), value > 0, value.isFinite {
                    if value <= SLAException.largestFactor {
                        factor = value
                    } else {
                        written.report("\"\(text)\" is more than \(Int(SLAException.largestFactor)); a factor stretches targets at most that much")
                    }
                } else {
                    written.report("\"\(text)\" is not a positive number; write a factor such as 2 or 1.5")
                }
            }
            if !pause && fields["targets_factor"] == nil {
                (fields.entry("pause")?.keyNode ?? item).report(
                    "an exception does nothing without pause: true or targets_factor; add one of them, or remove the exception")
            }
            guard let name, let from, let until, until > from else { continue }
            exceptions.append(SLAException(name: name, from: from, until: until, match: match, pause: pause, targetsFactor: factor))
        }
        return exceptions
    }
}

extension ConfigNode {
    /// An RFC 3339 instant with an offset (`2026-12-03T14:00:00Z`, `2026-11-27T00:00:00-05:00`).
    func instant() -> Date? {
        guard let text = string("an instant", example: "2026-12-03T14:00:00Z") else { return nil }
        guard let instant = Timestamp(rfc3339: text) else {
            report("\"\(text)\" is not an instant; write an RFC 3339 date and time with its offset, such as 2026-12-03T14:00:00Z "
                + "or 2026-11-27T00:00:00-05:00")
            return nil
        }
        return instant.date
    }
}
