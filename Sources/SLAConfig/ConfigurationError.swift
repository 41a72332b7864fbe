/// Everything wrong with a configuration, found in one pass.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// In file order (line, then column).
    public var diagnostics: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic]) {
        self.diagnostics = diagnostics.enumerated().sorted { a, b in
            (a.element.location.line, a.element.location.column, a.offset)
                < (b.element.location.line, b.element.location.column, b.offset)
        }.map(\.element)
    }

    /// One diagnostic per line, `file:line:col: key.path: message`.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
