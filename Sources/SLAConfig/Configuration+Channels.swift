/// `channels`: name → `{type, …}`, the keys depending on the type.
extension Configuration {
    /// Keys every channel may have.
    static let channelKeys = ["type", "digest", "quiet_hours", "rate_limit", "timeout"]

    /// The keys of a type, besides `channelKeys`.
    static func keys(of type: ChannelConfig.ChannelType) -> [String] {
        switch type {
        case .slack, .mattermost, .googleChat, .discord, .teams: ["url", "url_file"]
        case .webhook: ["url", "url_file", "secret_file", "headers"]
        case .email: ["relay", "to", "cc"]
        case .log: ["path"]
        }
    }

    static func readChannels(_ node: ConfigNode?, relays: [String], calendars: [String]) -> [String: ChannelConfig] {
        guard let node, let entries = node.mapping(what: "channels by name")?.entries else { return [:] }
        var channels: [String: ChannelConfig] = [:]
        for entry in entries {
            guard let fields = entry.value.mapping(what: "a channel"),
                  let type = fields.required("type", example: "slack")?.choice(ChannelConfig.ChannelType.self, what: "a channel type")
            else { continue }
            fields.allowOnly(channelKeys + keys(of: type), what: "a channel of type \(type.rawValue)")

            let kind: ChannelConfig.Kind?
            switch type {
            case .slack, .mattermost, .googleChat, .discord, .teams:
                kind = webhookURL(fields).map { .chat(url: $0) }
            case .webhook:
                let url = webhookURL(fields)
                let secret = fields["secret_file"]?.secret(.file)
                let headers = fields["headers"].map(readHeaders)
                kind = url.map { .webhook(url: $0, signingSecret: secret, headers: headers ?? [:]) }
            case .email:
                let relay = fields.required("relay", example: "main")?.reference(to: "relay", in: relays, section: "relays")
                let to = fields["to"]?.mailboxes()
                let cc = fields["cc"]?.mailboxes()
                // A `to` written but not read (reported) is no customer channel: left out,
                // as any channel whose settings fail, so nothing more is said of it.
                kind = fields["to"] != nil && to == nil ? nil : relay.map { .email(relay: $0, to: to ?? [], cc: cc ?? []) }
            case .log:
                kind = fields.required("path", example: "notifications.jsonl")?.path("a file path").map { .log(path: $0) }
            }
            let digest = fields["digest"]?.bool()
            let quietHours = fields["quiet_hours"]?.reference(to: "calendar", in: calendars, section: "calendars")
            let rateLimit = fields["rate_limit"]?.rateLimit()
            let timeout = fields["timeout"]?.duration()
            guard let kind else { continue }
            var channel = ChannelConfig(
                name: entry.key, type: type, kind: kind, digest: digest ?? (type != .webhook), quietHours: quietHours,
                rateLimit: rateLimit, timeout: timeout ?? Defaults.channelTimeout
            )
            channel.location = entry.value.location
            channels[entry.key] = channel
        }
        return channels
    }

    /// Exactly one of `url` (inline, `${ENV}` allowed) and `url_file`.
    private static func webhookURL(_ fields: ConfigMapping) -> SecretReference? {
        let schemes = ["https://", "http://"]
        switch (fields["url"], fields.entry("url_file")) {
        case (let url?, nil):
            return url.secret(.inline, schemes: schemes)
        case (nil, let file?):
            return file.value.secret(.file, schemes: schemes)
        case (.some, let file?):
            file.keyNode.report("is given besides url; keep one: url for the URL or ${VARIABLE}, url_file for a file holding it")
            return nil
        case (nil, nil):
            _ = fields.required("url", example: "\"${WEBHOOK_URL}\", or url_file: /path/to/file holding the URL")
            return nil
        }
    }

    /// Header name → value; values may carry tokens, so they are secrets (`${ENV}` allowed).
    private static func readHeaders(_ node: ConfigNode) -> [String: SecretReference] {
        var headers: [String: SecretReference] = [:]
        for entry in node.mapping(what: "HTTP headers (name: value)")?.entries ?? [] {
            let isToken = !entry.key.isEmpty && entry.key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }
            guard isToken else {
                entry.keyNode.report("\"\(entry.key)\" is not an HTTP header name; use letters, digits and -, such as X-Api-Key")
                continue
            }
            headers[entry.key] = entry.value.secret(.inline)
        }
        return headers
    }
}
