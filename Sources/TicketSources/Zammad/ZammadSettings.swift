public import SLAEngine
public import Transport

/// What a `zammad` source needs.
public struct ZammadSettings: Sendable {
    /// The source's name in the configuration; it prefixes every problem and error.
    public var name: String
    /// The Zammad base URL (`https://support.example.com`); a trailing `/` is ignored.
    public var url: String
    /// The access token, sent as `Authorization: Token token=…`.
    public var token: Secret
    /// The search query; nil for `ZammadSource.defaultQuery` (tickets in an open or pending
    /// state, and tickets updated in the last day so that closings are seen).
    public var query: String?
    /// `status_map`/`priority_map`: Zammad's state and priority names (`pending reminder`,
    /// `2 normal`) → canonical values, over `ZammadSource.defaultMapping`.
    public var mapping: CanonicalMapping
    /// Tickets per page. Default 100.
    public var pageSize: Int
    /// Timeouts, retries, rate-limit pacing and page limits; the defaults suit the vendor.
    public var http: SourceHTTPSettings

    public init(
        name: String, url: String, token: Secret, query: String? = nil, mapping: CanonicalMapping = .identity,
        pageSize: Int = 100, http: SourceHTTPSettings = SourceHTTPSettings()
    ) {
        self.name = name
        self.url = url
        self.token = token
        self.query = query
        self.mapping = mapping
        self.pageSize = pageSize
        self.http = http
    }

    var base: String { url.hasSuffix("/") ? String(url.dropLast()) : url }
}
