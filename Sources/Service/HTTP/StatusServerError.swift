/// The status endpoint could not start (most often: the address is taken).
public struct StatusServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The address it tried.
    public var listen: ListenAddress
    /// What the system said.
    public var reason: String

    public var description: String {
        "cannot serve /metrics, /healthz and /readyz on \(listen): \(reason); is another slawatch or another program listening there? Stop it or change `listen`"
    }
}
