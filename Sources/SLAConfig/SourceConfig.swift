public import SLAEngine

/// Somewhere tickets are polled from (`sources[i]`).
public struct SourceConfig: Sendable {
    /// The source's `type`.
    public enum SourceType: String, Sendable, Hashable, CaseIterable {
        case file
        case httpJSON = "http-json"
        case zendesk, freshdesk, jira, zammad
    }

    /// What the type needs to fetch tickets. Every `url` is `http://` or `https://`, with any
    /// `${NAME}` replaced from the environment when the configuration was loaded.
    public enum Kind: Sendable {
        /// `file`: a JSON array or JSON Lines of canonical tickets at `path` (absolute,
        /// resolved against the configuration file's directory).
        case file(path: String)
        /// `http-json`: any JSON API, described by JSON Pointers.
        case httpJSON(HTTPJSON)
        /// `zendesk`: `url` (`https://SUBDOMAIN.zendesk.com`), the agent's `email`, `token_file`.
        case zendesk(url: String, email: String, token: SecretReference)
        /// `freshdesk`: `url`, `api_key_file`.
        case freshdesk(url: String, apiKey: SecretReference)
        /// `jira` (Jira Service Management): `url`, `email`, `token_file`, `jql` to narrow
        /// the issues (nil: the source's own default query), and `group_field`, the id of
        /// the field whose value is the ticket's group (`customfield_10050`, `components`;
        /// nil: no group).
        case jira(url: String, email: String, token: SecretReference, jql: String?, groupField: String?)
        /// `zammad`: `url`, `token_file`.
        case zammad(url: String, token: SecretReference)
    }

    /// The settings of an `http-json` source.
    public struct HTTPJSON: Sendable {
        /// `url`: the first page.
        public var url: String
        /// `bearer_file`, or `username` with `password_file`; nil for no authentication.
        public var authentication: Authentication?
        /// `items`: JSON Pointer to the array of tickets; nil when the document is the array.
        public var items: String?
        /// `fields`: canonical field (`id`, `status`, `customer.tier`, …) → JSON Pointer
        /// within one item; a field not named is read from its canonical name.
        public var fields: [String: String]
        /// `next`: JSON Pointer to the next page's URL; nil for a single page.
        public var next: String?

        /// The canonical fields `fields` may map.
        public static let canonicalFields = [
            "id", "subject", "customer.id", "customer.name", "customer.email", "customer.tier",
            "customer.time_zone", "priority", "channel", "status", "group", "assignee", "tags", "url",
            "created_at", "updated_at", "first_response_at", "solved_at", "events",
        ]

        public init(url: String, authentication: Authentication? = nil, items: String? = nil, fields: [String: String] = [:], next: String? = nil) {
            self.url = url
            self.authentication = authentication
            self.items = items
            self.fields = fields
            self.next = next
        }
    }

    /// How an `http-json` source logs in.
    public enum Authentication: Sendable {
        /// `Authorization: Bearer` with the token in `bearer_file`.
        case bearer(SecretReference)
        /// HTTP Basic with `username` and the password in `password_file`.
        case basic(username: String, password: SecretReference)
    }

    /// `name`: unique among sources; it prefixes every problem the source reports.
    public var name: String
    /// The type's settings.
    public var kind: Kind
    /// `status_map` and `priority_map`: the source's own values → canonical ones.
    public var mapping: CanonicalMapping
    /// `poll_interval` in seconds; the top-level `poll_interval` when not given.
    public var pollInterval: Int
    /// `write_back`: let ladder steps with `set_priority` or `add_tag` change this source's
    /// tickets (zendesk and freshdesk). Default false.
    public var writeBack = false
    /// `stale_after` in seconds: report the source as stale when no poll has succeeded for
    /// this long; nil when not given, for the daemon's own default.
    public var staleAfter: Int?
    /// `timeout` in seconds (HTTP sources): how long one request may take, connecting
    /// included, before it is retried (4 attempts in all); nil for the sources' default, 30 s.
    /// A service that hangs costs a poll, and `evaluate`, about four times this.
    public var timeout: Int?
    /// The longest `timeout` taken: 10 minutes.
    public static let longestTimeout = 600
    /// `max_pages` (HTTP sources): pages one poll reads at most; nil for the sources'
    /// default, 500. An API with small pages needs more to read every open ticket.
    /// (Freshdesk's API lists no page past the 300th, whatever this says.)
    public var maxPages: Int?

    public init(name: String, kind: Kind, mapping: CanonicalMapping = .identity, pollInterval: Int, staleAfter: Int? = nil) {
        self.name = name
        self.kind = kind
        self.mapping = mapping
        self.pollInterval = pollInterval
        self.staleAfter = staleAfter
    }

    /// The `type` the source was written with.
    public var type: SourceType {
        switch kind {
        case .file: .file
        case .httpJSON: .httpJSON
        case .zendesk: .zendesk
        case .freshdesk: .freshdesk
        case .jira: .jira
        case .zammad: .zammad
        }
    }
}
