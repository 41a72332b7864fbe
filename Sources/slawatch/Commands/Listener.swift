import Daemon
import Foundation
import Hummingbird
import Logging
import Service
import StateStore
import Transport

/// What the daemon's listener serves besides `/metrics`, `/healthz` and `/readyz`: the
/// signed action links, the API and Slack's buttons, each when configured.
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
        // Every route is served whatever the configuration says, so a reload that adds or
        // rotates a key, token or secret takes effect without a restart.
        return { router in
            links.install(on: router)
            api.install(on: router)
            slack.install(on: router)
        }
    }
}
