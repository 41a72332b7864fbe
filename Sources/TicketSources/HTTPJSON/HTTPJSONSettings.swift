public import SLAEngine
public import Transport

/// What an `http-json` source needs: any JSON API, described by JSON Pointers.
public struct HTTPJSONSettings: Sendable {
    /// How the source logs in.
    public enum Authentication: Sendable {
        /// `Authorization: Bearer TOKEN`.
        case bearer(Secret)
        /// HTTP Basic.
        case basic(username: String, password: Secret)
    }

    /// The source's name in the configuration; it prefixes every problem and error.
    public var name: String
    /// The first page: a `Secret`, since some APIs take a key in the query; its query
    /// values are blanked out of any text the service sends back, and errors show only the
    /// host.
    public var url: Secret
    /// nil for no authentication.
    public var authentication: Authentication?
    /// JSON Pointer to the array of tickets; nil when the document is the array.
    public var items: String?
    /// Canonical field (`id`, `created_at`, `customer.email`, …; see
    /// `HTTPJSONSource.canonicalFields`) → JSON Pointer within one item. A field not named
    /// is read from its canonical name (`customer.id` from `/customer/id`).
    public var fields: [String: String]
    /// JSON Pointer to the next page's URL, absolute or relative to the page's; nil for a
    /// single page. A missing, null or empty value ends the paging. The next page must be on
    /// the same scheme, host and port as `url`, where the credentials belong.
    public var next: String?
    /// `status_map`/`priority_map`: the API's values → canonical ones; canonical values pass
    /// through.
    public var mapping: CanonicalMapping
    /// Timeouts, retries, rate-limit pacing and page limits; the defaults suit the vendor.
    public var http: SourceHTTPSettings

    public init(
        name: String, url: Secret, authentication: Authentication? = nil, items: String? = nil, fields: [String: String] = [:],
        next: String? = nil, mapping: CanonicalMapping = .identity, http: SourceHTTPSettings = SourceHTTPSettings()
    ) {
        self.name = name
        self.url = url
        self.authentication = authentication
        self.items = items
        self.fields = fields
        self.next = next
        self.mapping = mapping
        self.http = http
    }
}
