/// The effects a notifier uses besides its transport: the clock, the random source for
/// backoff jitter, and where to count outcomes. Tests pass a virtual clock and a fixed
/// random source.
public struct DeliveryContext: Sendable {
    public var clock: any DeliveryClock
    /// Uniform in `0..<1`.
    public var random: @Sendable () -> Double
    /// Where finished deliveries are counted; nil to count nothing.
    public var counters: DeliveryCounters?

    public init(
        clock: any DeliveryClock = SystemDeliveryClock(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        counters: DeliveryCounters? = nil
    ) {
        self.clock = clock
        self.random = random
        self.counters = counters
    }

    /// The real clock and random numbers, nothing counted.
    public static var system: DeliveryContext { DeliveryContext() }
}
