import Transport
import Daemon
import Delivery
import Foundation
import SLAConfig
import StateStore
import TicketSources

/// What a configuration needs besides the watcher's state: its templates, a notifier per
/// channel and a reader per source, with their secrets in place.
///
/// `run` builds it at start and on reload, and `check` builds it the same way, so a
/// configuration `check` passes is one `run` starts with. Building finds every problem at
/// once, each `file:line:col: key: message` where it has a place in the file.
struct Wiring {
    var configuration: Configuration
    var templates: MessageTemplates
    var notifiers: [String: any Notifier]
    var sources: [Watcher.Source]
    /// The keys of signed action links (`actions.key_file`); nil when not set.
    var actionKeys: ActionKeys?
    /// The API token (`api_token_file`); nil leaves the API off.
    var apiToken: Secret?
    /// The Slack app's signing secret; nil leaves `POST /slack/actions` off.
    var slackSigningSecret: Secret?
    /// The password of a PostgreSQL state as the configuration gives it now; the store
    /// keeps the one it was opened with.
    var statePassword: Secret?

    /// The links team messages carry; nil without `public_url`.
    var links: ActionLinks? {
        guard let url = configuration.publicURL, let actionKeys else { return nil }
        return ActionLinks(publicURL: url, keys: actionKeys, ttl: configuration.actions.linkTTL)
    }

    /// Everything that stopped the wiring, one problem a line.
    struct Problems: Error, CustomStringConvertible {
        var lines: [String]
        var description: String { lines.joined(separator: "\n") }
    }

    /// Reads the configuration at `path` and wires it.
    static func load(
        path: String, environment: [String: String], transport: CurlTransport, store: (any CursorStore)?,
        onLongWait: (@Sendable (String) -> Void)? = nil
    ) throws(Problems) -> Wiring {
        do {
            let configuration = try Configuration.load(path: path, environment: environment)
            return try build(configuration, environment: environment, transport: transport, store: store, onLongWait: onLongWait)
        } catch let error as ConfigurationError {
            throw Problems(lines: [error.description])
        } catch let error as Problems {
            throw error
        } catch {
            throw Problems(lines: ["\(path): \(error)"])
        }
    }

    /// Wires a loaded configuration; `store` keeps the sources' cursors (none: in memory).
    /// `onLongWait` hears of each wait of 5 s or more before a source's request.
    static func build(
        _ configuration: Configuration, environment: [String: String], transport: CurlTransport, store: (any CursorStore)?,
        onLongWait: (@Sendable (String) -> Void)? = nil
    ) throws(Problems) -> Wiring {
        var problems: [String] = []
        var templates: MessageTemplates?
        do {
            templates = try MessageTemplates(directory: configuration.templates)
        } catch {
            problems.append(error.description)
        }
        let secrets: ResolvedSecrets
        do {
            secrets = try configuration.resolveSecrets(environment: environment)
        } catch {
            throw Problems(lines: [error.description] + problems)
        }
        var notifiers: [String: any Notifier] = [:]
        do {
            notifiers = try configuration.notifiers(secrets: secrets, transport: transport)
        } catch {
            problems.append(error.description)
        }
        let cursors: any CursorStore = store ?? InMemoryCursorStore()
        var sources: [Watcher.Source] = []
        for source in configuration.sources {
            do {
                sources.append(Watcher.Source(
                    config: source,
                    reader: try source.reader(secrets: secrets, transport: transport, cursors: cursors, onLongWait: onLongWait),
                    writer: source.writer(secrets: secrets, transport: transport)
                ))
            } catch {
                problems.append("\(configuration.file): \(error)")
            }
        }
        var actionKeys: ActionKeys?
        if let reference = configuration.actions.keyFile, let contents = secrets[reference] {
            do {
                actionKeys = try ActionKeys(file: contents)
            } catch {
                problems.append("\(reference.location): the key file \(error)")
            }
        }
        guard problems.isEmpty, let templates else { throw Problems(lines: problems) }
        return Wiring(
            configuration: configuration, templates: templates, notifiers: notifiers, sources: sources, actionKeys: actionKeys,
            apiToken: configuration.apiToken.flatMap { secrets[$0] },
            slackSigningSecret: configuration.actions.slackSigningSecret.flatMap { secrets[$0] },
            statePassword: configuration.statePassword(secrets).map(Secret.init))
    }
}
