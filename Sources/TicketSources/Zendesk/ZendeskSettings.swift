public import Foundation
public import SLAEngine
public import Transport

/// What a `zendesk` source needs: where, who, and how to map its values.
public struct ZendeskSettings: Sendable {
    /// Where the first response instant and the reply history come from.
    public enum FirstResponse: Sendable, Hashable {
        /// The incremental ticket metric events export, at one more request per poll: the
        /// first `reply_time` `fulfill` (instance 1) is the exact first response, and every
        /// `reply_time` instance adds the customer message that opened it and the public
        /// reply that met it to the ticket's events (see `ZendeskReplyHistory`).
        case metricEvents
        /// Not read: `first_response_at` stays nil and tickets have no reply history, so
        /// `next_reply` has no cycles. (The `metric_sets` side-load gives only
        /// `reply_time_in_minutes`, a rounded duration, so it is not used.)
        case none
    }

    /// The source's name in the configuration; it prefixes every problem and error.
    public var name: String
    /// `https://SUBDOMAIN.zendesk.com`, or any base URL serving the same API (a loopback
    /// test server included); a trailing `/` is ignored.
    public var url: String
    /// The agent's email address; the API token authenticates as `EMAIL/token`.
    public var email: String
    /// The API token.
    public var token: Secret
    /// `status_map`/`priority_map`: Zendesk's values (`pending`, `hold`, …) → canonical ones,
    /// over `ZendeskSource.defaultMapping`.
    public var mapping: CanonicalMapping
    /// How far back the very first export starts, in seconds, when no cursor was saved.
    /// Default 30 days. Open tickets untouched for longer are not seen until they change.
    public var initialLookback: TimeInterval
    /// Default `.metricEvents`.
    public var firstResponse: FirstResponse
    /// Keep the merged view of tickets in the cursor store (under `NAME/view`) so that a
    /// restart resumes with the open tickets it had, not only those changed since. Default on.
    public var persistView: Bool
    /// Timeouts, retries, rate-limit pacing and page limits; the defaults suit the vendor.
    public var http: SourceHTTPSettings

    public init(
        name: String, url: String, email: String, token: Secret, mapping: CanonicalMapping = .identity,
        initialLookback: TimeInterval = 30 * 86_400, firstResponse: FirstResponse = .metricEvents, persistView: Bool = true,
        http: SourceHTTPSettings = SourceHTTPSettings()
    ) {
        self.name = name
        self.url = url
        self.email = email
        self.token = token
        self.mapping = mapping
        self.initialLookback = initialLookback
        self.firstResponse = firstResponse
        self.persistView = persistView
        self.http = http
    }

    /// The URL without a trailing `/`.
    var base: String { url.hasSuffix("/") ? String(url.dropLast()) : url }

    /// The client every Zendesk request goes through: Basic `EMAIL/token:TOKEN`.
    func client(transport: any HTTPTransport, clock: any DeliveryClock) -> SourceClient {
        let user = "\(email)/token"
        return SourceClient(
            source: name, transport: transport, clock: clock, settings: http,
            authorization: SourceClient.basic(user: user, password: token.reveal()),
            secrets: [token.reveal(), Data("\(user):\(token.reveal())".utf8).base64EncodedString()], showsPaths: true)
    }
}
