import Delivery
public import SLAConfig
import SLAEngine
public import StateStore
public import TicketSources
public import Transport

/// The state store keeps where incremental sources resume.
extension StateStore: CursorStore {}
extension PostgresStateStore: CursorStore {}

/// A source whose settings could not be turned into a reader, named with what to fix.
public struct SourceWiringError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var message: String
    public var description: String { "sources.\(source): \(message)" }
}

extension SourceConfig {
    /// The reader for this source. HTTP sources need the resolved secrets and the transport;
    /// a `file` source needs neither.
    /// `onLongWait` is told of each wait of 5 s or more before a request (`SourceHTTPSettings`).
    public func reader(
        secrets: ResolvedSecrets?, transport: (any HTTPTransport)?, cursors: any CursorStore,
        onLongWait: (@Sendable (String) -> Void)? = nil
    ) throws(SourceWiringError) -> any TicketSource {
        var http = self.http
        http.onLongWait = onLongWait
        if case .file(let path) = kind { return FileSource(name: name, path: path, mapping: mapping) }
        guard let secrets, let transport else {
            throw SourceWiringError(source: name, message: "\(type.rawValue) sources are read over HTTP; run slawatch with its secrets")
        }
        func credential(_ reference: SecretReference) throws(SourceWiringError) -> Secret {
            guard let secret = secrets[reference] else {
                throw SourceWiringError(source: name, message: "a secret was not resolved; run slawatch check")
            }
            return secret
        }
        switch kind {
        case .file:
            preconditionFailure("handled above")
        case .zendesk(let url, let email, let token):
            return ZendeskSource(
                settings: ZendeskSettings(name: name, url: url, email: email, token: try credential(token), mapping: mapping, http: http),
                cursors: cursors, transport: transport
            )
        case .freshdesk(let url, let apiKey):
            return FreshdeskSource(
                settings: FreshdeskSettings(name: name, url: url, apiKey: try credential(apiKey), mapping: mapping, http: http),
                cursors: cursors, transport: transport
            )
        case .jira(let url, let email, let token, let jql, let groupField):
            return JiraSource(
                settings: JiraSettings(
                    name: name, url: url, email: email, token: try credential(token), jql: jql, mapping: mapping,
                    groupField: groupField, http: http),
                transport: transport
            )
        case .zammad(let url, let token):
            return ZammadSource(settings: ZammadSettings(name: name, url: url, token: try credential(token), mapping: mapping, http: http), transport: transport)
        case .httpJSON(let settings):
            var authentication: HTTPJSONSettings.Authentication?
            switch settings.authentication {
            case .bearer(let token): authentication = .bearer(try credential(token))
            case .basic(let username, let password): authentication = .basic(username: username, password: try credential(password))
            case nil: authentication = nil
            }
            do {
                return try HTTPJSONSource(
                    settings: HTTPJSONSettings(
                        name: name, url: Secret(settings.url), authentication: authentication, items: settings.items,
                        fields: settings.fields, next: settings.next, mapping: mapping, http: http
                    ),
                    transport: transport
                )
            } catch {
                throw SourceWiringError(source: name, message: "\(error)")
            }
        }
    }

    /// What updates tickets at the helpdesk for ladder steps with `set_priority` or
    /// `add_tag`; nil for types that cannot (or without secrets).
    public func writer(secrets: ResolvedSecrets?, transport: (any HTTPTransport)?) -> (any TicketWriter)? {
        guard let secrets, let transport else { return nil }
        switch kind {
        case .zendesk(let url, let email, let token):
            guard let token = secrets[token] else { return nil }
            return ZendeskWriter(
                settings: ZendeskSettings(name: name, url: url, email: email, token: token, mapping: mapping, http: http),
                transport: transport
            )
        case .freshdesk(let url, let apiKey):
            guard let key = secrets[apiKey] else { return nil }
            return FreshdeskWriter(
                settings: FreshdeskSettings(name: name, url: url, apiKey: key, mapping: mapping, http: http),
                transport: transport
            )
        default:
            return nil
        }
    }

    /// The `type` as written in the configuration.
    public var typeName: String { type.rawValue }

    /// How the source talks HTTP: the defaults, with the configured `timeout` and `max_pages`.
    var http: SourceHTTPSettings {
        var http = SourceHTTPSettings()
        if let timeout { http.timeout = Double(timeout) }
        if let maxPages { http.maxPages = maxPages }
        return http
    }
}
