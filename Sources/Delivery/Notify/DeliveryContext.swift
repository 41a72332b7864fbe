public import Transport
/// The effects a notifier uses besides its transport: the clock and a random source. Tests
/// pass a virtual clock and a fixed random source.
public struct DeliveryContext: Sendable {
    public var clock: any DeliveryClock
    /// Uniform in `0..<1`.
    public var random: @Sendable () -> Double

    public init(
        clock: any DeliveryClock = SystemDeliveryClock(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.clock = clock
        self.random = random
    }

    /// The real clock and random numbers.
    public static var system: DeliveryContext { DeliveryContext() }
}
