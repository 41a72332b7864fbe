extension Duration {
    /// The duration in seconds, as `TimeInterval` and the figures people read take it.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
