/// The status endpoint could not start (most often: the address is taken).
///
/// `reason` says why and what to change; `ListenAddress.probe()` finds it before the
/// first tick.
public struct StatusServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The address it tried.
    public var listen: ListenAddress
    /// What stands in the way and what to change.
    public var reason: String

    public var description: String {
        "cannot serve /metrics, /healthz and /readyz on \(listen): \(reason)"
    }
}
