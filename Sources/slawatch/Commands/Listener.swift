import Daemon
import Foundation
import Hummingbird
import Logging
import Service
import StateStore
import Transport

/// What the daemon's listener serves besides `/metrics`, `/healthz` and `/readyz`: the
/// signed action links, the API and Slack's buttons, each when configured, and the status
/// page with `/api/v1/clocks`.
enum Listener {
    static func routes(
        wiring: Wiring, credentials: ListenerCredentials, store: StateStore, watcher: Watcher, metrics: MetricsRegistry,
        transport: CurlTransport, logger: Logger
    ) -> @Sendable (Router<ListenerContext>) -> Void {
        let desk = ActionDesk(store: store, settings: wiring.configuration.actions, metrics: metrics) { request in
            await watcher.answered(source: request.source, ticketID: request.ticketID, kind: request.hold.kind)
        }
        let links = ActionRoutes(credentials: credentials, desk: desk, logger: logger) {
            await watcher.polledTicket(source: $0, ticketID: $1)
        }
        let api = APIRoutes(
            credentials: credentials, desk: desk, store: store, logger: logger,
            openClocks: { source, id, metric, at in await watcher.openClocks(source: source, ticketID: id, metric: metric, at: at) },
            silencesChanged: { watcher.nudge() })
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
                to: router, access: { credentials.now.access }, board: { await watcher.statusBoard(at: Date()) },
                acknowledge: acknowledge, actionOrigin: publicURL.flatMap { ActionOrigin.of($0) })
        }
    }
}
