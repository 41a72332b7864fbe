import Daemon
import Foundation
import Hummingbird
import Logging
import Service
import StateStore

/// What the daemon's listener serves besides `/metrics`, `/healthz` and `/readyz`: the
/// signed action links, the API and Slack's buttons, each when configured, and the status
/// page with `/api/v1/clocks`.
enum Listener {
    static func routes(
        wiring: Wiring, store: StateStore, watcher: Watcher, metrics: MetricsRegistry, logger: Logger
    ) -> @Sendable (Router<ListenerContext>) -> Void {
        let desk = ActionDesk(store: store, settings: wiring.configuration.actions, metrics: metrics) { request in
            await watcher.answered(source: request.source, ticketID: request.ticketID, kind: request.hold.kind)
        }
        let links = wiring.actionKeys.map { keys in
            ActionRoutes(keys: keys, desk: desk, logger: logger) { await watcher.polledTicket(source: $0, ticketID: $1) }
        }
        let api = APIRoutes(access: APIAccess(token: wiring.apiToken), desk: desk, store: store, logger: logger) { source, id, metric, at in
            await watcher.openClocks(source: source, ticketID: id, metric: metric, at: at)
        }
        let slack = wiring.slackSigningSecret.map { secret in
            SlackRoutes(signature: SlackSignature(secret: secret), keys: wiring.actionKeys, desk: desk, logger: logger)
        }
        // The status page's acknowledge buttons post to each clock's signed link, as a
        // message's link does; without `public_url` and a key file there are none.
        let actionLinks = wiring.links
        var acknowledge: StatusPage.AcknowledgeLink?
        if let actionLinks {
            acknowledge = { @Sendable (entry: StatusBoard.Entry) -> String? in
                actionLinks.url(.ack, source: entry.ticket.source, ticketID: entry.ticket.id, metric: entry.clock.metric,
                                cycle: entry.clock.cycle, at: Date())
            }
        }
        let access = APIAccess(token: wiring.apiToken)
        return { [acknowledge] router in
            links?.install(on: router)
            api.install(on: router)
            slack?.install(on: router)
            StatusRoutes.add(
                to: router, access: access, board: { await watcher.statusBoard(at: Date()) }, acknowledge: acknowledge,
                actionOrigin: actionLinks.flatMap { ActionOrigin.of($0.publicURL) })
        }
    }
}
