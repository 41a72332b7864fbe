import SLAEngine

/// `sources`: a list of `{name, type, …}`, the keys depending on the type.
extension Configuration {
    /// Keys every source may have.
    static let sourceKeys = ["name", "type", "status_map", "priority_map", "poll_interval", "stale_after", "write_back"]

    /// The keys of a type, besides `sourceKeys`.
    static func keys(of type: SourceConfig.SourceType) -> [String] {
        switch type {
        case .file: ["path"]
        case .httpJSON: ["url", "bearer_file", "username", "password_file", "items", "fields", "next", "timeout", "max_pages"]
        case .zendesk: ["url", "email", "token_file", "timeout", "max_pages"]
        case .freshdesk: ["url", "api_key_file", "timeout", "max_pages"]
        case .jira: ["url", "email", "token_file", "jql", "group_field", "timeout", "max_pages"]
        case .zammad: ["url", "token_file", "timeout", "max_pages"]
        }
    }

    /// `pollInterval` is the top-level one, for sources that set none.
    static func readSources(_ node: ConfigNode?, pollInterval: Int) -> [SourceConfig] {
        guard let node, let items = node.list(of: "sources, each with name and type") else { return [] }
        var firstNamed: [String: ConfigLocation] = [:]
        return items.compactMap { item in
            guard let fields = item.mapping(what: "a source") else { return nil }
            let name = fields.required("name", example: "helpdesk")?.string("a source name")
            if let name, let at = fields["name"] {
                // The name starts every key of its tickets (`SOURCE:ID/metric/cycle/step`).
                if name.isEmpty || name.contains(where: { $0 == ":" || $0 == "/" || $0.isWhitespace }) {
                    at.report("source name \"\(name)\" cannot be empty or hold \":\", \"/\" or spaces: it starts the keys of its "
                        + "tickets (SOURCE:ID); use letters, digits, \"-\" or \"_\", such as helpdesk-eu")
                } else if let first = firstNamed[name] {
                    at.report("another source is already named \"\(name)\" (line \(first.line)); give each source its own name", .duplicateKey)
                } else {
                    firstNamed[name] = at.location
                }
            }
            guard let type = fields.required("type", example: "file")?.choice(SourceConfig.SourceType.self, what: "a source type") else {
                return nil
            }
            fields.allowOnly(sourceKeys + keys(of: type), what: "a source of type \(type.rawValue)")
            let kind = readSourceKind(type, fields)
            let statuses = fields["status_map"].map { readValueMap($0, to: TicketStatus.self, what: "a canonical status") }
            let priorities = fields["priority_map"].map { readValueMap($0, to: TicketPriority.self, what: "a canonical priority") }
            let interval = fields["poll_interval"]?.duration()
            let staleAfter = fields["stale_after"]?.duration()
            let timeout = fields["timeout"]?.duration()
            if let timeout, timeout > SourceConfig.longestTimeout {
                fields["timeout"]?.report("is longer than \(SourceConfig.longestTimeout / 60) minutes, which no helpdesk needs for one "
                    + "request; a poll retries a timed-out request 3 times, so write a shorter one such as 30s")
            }
            let writeBack = fields["write_back"]?.bool() ?? false
            if writeBack, type != .zendesk, type != .freshdesk {
                fields["write_back"]?.report("is only possible for zendesk and freshdesk sources; remove it")
            }
            guard let name, let kind else { return nil }
            var source = SourceConfig(
                name: name, kind: kind,
                mapping: CanonicalMapping(statuses: statuses ?? [:], priorities: priorities ?? [:]),
                pollInterval: interval ?? pollInterval, staleAfter: staleAfter
            )
            source.writeBack = writeBack
            source.timeout = timeout.flatMap { $0 > SourceConfig.longestTimeout ? nil : $0 }
            source.maxPages = fields["max_pages"]?.count()
            return source
        }
    }

    private static func readSourceKind(_ type: SourceConfig.SourceType, _ fields: ConfigMapping) -> SourceConfig.Kind? {
        func url(_ example: String) -> String? { fields.required("url", example: example)?.webURL(example: example) }
        func token(_ key: String) -> SecretReference? { fields.required(key, example: "/etc/slawatch/secrets/\(key.dropLast(5))")?.secret(.file) }
        func email() -> String? { fields.required("email", example: "agent@example.com")?.mailbox(displayName: false) }

        switch type {
        case .file:
            return fields.required("path", example: "tickets.json")?.path("a file path").map { .file(path: $0) }
        case .httpJSON:
            let address = url("https://api.example.com/tickets")
            let authentication = readAuthentication(fields)
            let items = fields["items"]?.jsonPointer()
            let mapped = fields["fields"].flatMap(readFieldPointers)
            let next = fields["next"]?.jsonPointer()
            guard let address, authentication.isValid else { return nil }
            return .httpJSON(SourceConfig.HTTPJSON(
                url: address, authentication: authentication.method, items: items, fields: mapped ?? [:], next: next
            ))
        case .zendesk:
            let (address, email, token) = (url("https://example.zendesk.com"), email(), token("token_file"))
            guard let address, let email, let token else { return nil }
            return .zendesk(url: address, email: email, token: token)
        case .freshdesk:
            let (address, key) = (url("https://example.freshdesk.com"), token("api_key_file"))
            guard let address, let key else { return nil }
            return .freshdesk(url: address, apiKey: key)
        case .jira:
            let (address, email, token) = (url("https://example.atlassian.net"), email(), token("token_file"))
            let jql = fields["jql"]?.string("a JQL query", example: "project = HELP")
            let groupField = fields["group_field"].flatMap(readJiraFieldID)
            guard let address, let email, let token else { return nil }
            return .jira(url: address, email: email, token: token, jql: jql, groupField: groupField)
        case .zammad:
            let (address, token) = (url("https://zammad.example.com"), token("token_file"))
            guard let address, let token else { return nil }
            return .zammad(url: address, token: token)
        }
    }

    /// A Jira field id (`group_field`): `customfield_NNNNN` or a system field's id such as
    /// `components`; never a field's display name, which has spaces or other characters.
    private static func readJiraFieldID(_ node: ConfigNode) -> String? {
        let example = "customfield_10050"
        guard let id = node.string("a Jira field id", example: example) else { return nil }
        guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            node.report(
                "\"\(id)\" is not a Jira field id; write the field's id, such as \(example) or components "
                    + "(GET /rest/api/3/field lists each field's id beside its name)")
            return nil
        }
        return id
    }

    /// `bearer_file`, or `username` with `password_file`, or neither (nil); `isValid` is
    /// false after a problem was reported.
    private static func readAuthentication(_ fields: ConfigMapping) -> (method: SourceConfig.Authentication?, isValid: Bool) {
        let bearer = fields.entry("bearer_file"), username = fields.entry("username"), password = fields.entry("password_file")
        if bearer != nil, let other = username ?? password {
            other.keyNode.report("is given besides bearer_file; use bearer_file, or username with password_file, not both")
            return (nil, false)
        }
        if let bearer {
            let token = bearer.value.secret(.file)
            return (token.map { .bearer($0) }, token != nil)
        }
        switch (username, password) {
        case (nil, nil):
            return (nil, true)
        case (let username?, nil):
            username.keyNode.report("is given without password_file; add password_file: /path/to/file holding the password")
        case (nil, let password?):
            password.keyNode.report("is given without username; add username: NAME")
        case (let username?, let password?):
            if let name = username.value.string("a user name", example: "slawatch"), let secret = password.value.secret(.file) {
                return (.basic(username: name, password: secret), true)
            }
        }
        return (nil, false)
    }

    /// Canonical field → JSON Pointer within one item.
    private static func readFieldPointers(_ node: ConfigNode) -> [String: String]? {
        let fields = SourceConfig.HTTPJSON.canonicalFields
        guard let mapping = node.mapping(allowed: fields, what: "fields (canonical field: /json/pointer)") else { return nil }
        var pointers: [String: String] = [:]
        for entry in mapping.entries where fields.contains(entry.key) {
            pointers[entry.key] = entry.value.jsonPointer()
        }
        return pointers
    }

    /// The source's own value → a canonical value (`status_map`, `priority_map`).
    private static func readValueMap<T: RawRepresentable & CaseIterable>(
        _ node: ConfigNode, to type: T.Type, what: String
    ) -> [String: T] where T.RawValue == String {
        var map: [String: T] = [:]
        for entry in node.mapping(what: "source values to \(what)s")?.entries ?? [] {
            map[entry.key] = entry.value.choice(T.self, what: what)
        }
        return map
    }
}
