public import Transport
/// Every secret of a configuration, read: see `Configuration.resolveSecrets(environment:)`.
///
/// Its description and mirror show only how many secrets it holds.
public struct ResolvedSecrets: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// By the key path of the reference (`channels.ops.url_file`).
    private let values: [String: Secret]

    init(_ values: [String: Secret]) {
        self.values = values
    }

    /// The secret a reference resolved to.
    public subscript(reference: SecretReference) -> Secret? {
        values[reference.location.path]
    }

    /// The secret written at a key path, such as `relays.main.password_file`.
    public subscript(path path: String) -> Secret? {
        values[path]
    }

    /// How many secrets were resolved.
    public var count: Int { values.count }

    public var description: String { "ResolvedSecrets(\(values.count) secrets)" }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["count": values.count], displayStyle: .struct) }
}
