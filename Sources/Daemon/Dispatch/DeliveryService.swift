public import ServiceLifecycle
public import Service

/// The outbox dispatcher as a service of the daemon's group. Call `resume` on the
/// dispatcher before the group starts, so held messages are loaded before the first tick.
///
/// On a graceful shutdown it starts no new attempt and gives those in flight
/// `OutboxDispatcher.stopGrace` seconds; whatever is left stays in the outbox.
public struct DeliveryService: NamedService {
    public let dispatcher: OutboxDispatcher

    public init(dispatcher: OutboxDispatcher) {
        self.dispatcher = dispatcher
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await dispatcher.run()
        } onGracefulShutdown: {
            dispatcher.requestStop()
        }
    }
}
