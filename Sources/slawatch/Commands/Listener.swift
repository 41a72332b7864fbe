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
        wiring: Wiring, store: StateStore, watcher: Watcher, metrics: MetricsRegistry, transport: CurlTransport, logger: Logger
    ) -> @Sendable (Router<ListenerContext>) -> Void {
        let desk = ActionDesk(store: store, settings: wiring.configuration.actions, metrics: metrics) { request in
            await watcher.answered(source: request.source, ticketID: request.ticketID, kind: request.hold.kind)
        }
        let links = wiring.actionKeys.map { keys in
            ActionRoutes(keys: keys, desk: desk, logger: logger) { await watcher.polledTicket(source: $0, ticketID: $1) }
        }
        let api = APIRoutes(
            access: APIAccess(token: wiring.apiToken), desk: desk, store: store, logger: logger,
            openClocks: { source, id, metric, at in await watcher.openClocks(source: source, ticketID: id, metric: metric, at: at) },
            silencesChanged: { watcher.nudge() })
        let slack = wiring.slackSigningSecret.map { secret in
            SlackRoutes(
                signature: SlackSignature(secret: secret), keys: wiring.actionKeys, desk: desk, logger: logger, transport: transport)
        }
        return { router in
            links?.install(on: router)
            api.install(on: router)
            slack?.install(on: router)
        }
    }
}
