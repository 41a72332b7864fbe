import Daemon
import Foundation
import Hummingbird
import Logging
import Service
import StateStore
import Transport

/// What the daemon's listener serves besides `/metrics`, `/healthz` and `/readyz`: the
/// signed action links, the API and Slack's buttons, each when configured, and the status
/// page with `/api/v1/clocks`. The same on SQLite and on a shared PostgreSQL state, leader
/// or standby: `backend` says where clocks and tickets come from.
enum Listener {
    static func routes(
        wiring: Wiring, credentials: ListenerCredentials, store: any ListenerStore, backend: ListenerBackend, metrics: MetricsRegistry,
        transport: CurlTransport, logger: Logger
    ) -> @Sendable (Router<ListenerContext>) -> Void {
        let desk = ActionDesk(store: store, settings: wiring.configuration.actions, metrics: metrics, answered: backend.answered)
        let links = ActionRoutes(credentials: credentials, desk: desk, logger: logger, ticket: backend.ticket, openClocks: backend.openClocks)
        let api = APIRoutes(
            credentials: credentials, desk: desk, silenceLog: store, logger: logger, openClocks: backend.openClocks,
            silencesChanged: backend.silencesChanged)
        let slack = SlackRoutes(credentials: credentials, desk: desk, logger: logger, transport: transport)
        // The status page's acknowledge buttons post to each clock's signed link, as a
        // message's link does, signed with the key in force; without `public_url` and a key
        // file there are none.
        let publicURL = wiring.configuration.publicURL, ttl = wiring.configuration.actions.linkTTL
        var acknowledge: StatusPage.AcknowledgeLink?
        if let publicURL {
            acknowledge = { @Sendable (entry: StatusBoard.Entry) -> String? in
                credentials.now.actionKeys.map { keys in
                    ActionLinks(publicURL: publicURL, keys: keys, ttl: ttl).url(
                        .ack, source: entry.ticket.source, ticketID: entry.ticket.id, metric: entry.clock.metric,
                        cycle: entry.clock.cycle, at: Date())
                }
            }
        }
        // Every route is served whatever the configuration says, so a reload that adds or
        // rotates a key, token or secret takes effect without a restart.
        return { [acknowledge] router in
            links.install(on: router)
            api.install(on: router)
            slack.install(on: router)
            StatusRoutes.add(
                to: router, access: { credentials.now.access }, board: { await backend.board(Date()) },
                acknowledge: acknowledge, actionOrigin: publicURL.flatMap { ActionOrigin.of($0) })
        }
    }
}

extension ListenerCredentials {
    /// The keys, token and secret a wiring read.
    convenience init(_ wiring: Wiring) {
        self.init(actionKeys: wiring.actionKeys, apiToken: wiring.apiToken, slackSigningSecret: wiring.slackSigningSecret)
    }

    /// Puts a reloaded wiring's keys, token and secret in force.
    func replace(with wiring: Wiring) {
        replace(actionKeys: wiring.actionKeys, apiToken: wiring.apiToken, slackSigningSecret: wiring.slackSigningSecret)
    }
}
