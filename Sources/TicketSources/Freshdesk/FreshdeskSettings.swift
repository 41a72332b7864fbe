public import Foundation
public import SLAEngine
public import Transport

/// What a `freshdesk` source needs: where, the API key, and how to map its values.
public struct FreshdeskSettings: Sendable {
    /// The source's name in the configuration; it prefixes every problem and error.
    public var name: String
    /// `https://DOMAIN.freshdesk.com`, or any base URL serving the same API; a trailing `/`
    /// is ignored.
    public var url: String
    /// The API key, sent as the Basic user with the password `X`.
    public var apiKey: Secret
    /// `status_map`/`priority_map`: Freshdesk's codes as text (`"3"`, custom statuses `"6"`
    /// and up) → canonical values, over `FreshdeskSource.defaultMapping`. A custom status no
    /// map names is `open`.
    public var mapping: CanonicalMapping
    /// How far back the first poll reads (`updated_since`), in seconds, when nothing was
    /// saved. Default 30 days.
    public var initialLookback: TimeInterval
    /// Keep the merged view in the cursor store (under `NAME/view`). Default on.
    public var persistView: Bool
    /// Timeouts, retries, rate-limit pacing and page limits; the defaults suit the vendor.
    public var http: SourceHTTPSettings

    public init(
        name: String, url: String, apiKey: Secret, mapping: CanonicalMapping = .identity,
        initialLookback: TimeInterval = 30 * 86_400, persistView: Bool = true, http: SourceHTTPSettings = SourceHTTPSettings()
    ) {
        self.name = name
        self.url = url
        self.apiKey = apiKey
        self.mapping = mapping
        self.initialLookback = initialLookback
        self.persistView = persistView
        self.http = http
    }

    var base: String { url.hasSuffix("/") ? String(url.dropLast()) : url }

    /// The client every Freshdesk request goes through.
    func client(transport: any HTTPTransport, clock: any DeliveryClock) -> SourceClient {
        SourceClient(
            source: name, transport: transport, clock: clock, settings: http,
            authorization: SourceClient.basic(user: apiKey.reveal(), password: "X"),
            secrets: [apiKey.reveal(), Data("\(apiKey.reveal()):X".utf8).base64EncodedString()], showsPaths: true)
    }
}
