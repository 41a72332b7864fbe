import SLAConfig
import Testing

/// A configuration that must be rejected with exactly one diagnostic, at a known place.
struct Rejection: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    let line: Int
    let column: Int
    /// The key path the diagnostic names.
    let path: String
    /// Parts of the message: what is wrong and how to write it instead.
    let says: [String]

    init(_ name: String, _ yaml: String, at line: Int, _ column: Int, _ path: String, says: String...) {
        self.name = name
        self.yaml = yaml
        self.line = line
        self.column = column
        self.path = path
        self.says = says
    }

    var testDescription: String { name }

    /// Parses the case and checks its one diagnostic.
    func check(sourceLocation: SourceLocation = #_sourceLocation) {
        let diagnostics = ConfigFixture.diagnostics(yaml)
        #expect(diagnostics.count == 1, "\(diagnostics.map(\.description))", sourceLocation: sourceLocation)
        guard let diagnostic = diagnostics.first else { return }
        #expect(diagnostic.location == ConfigLocation(file: ConfigFixture.file, line: line, column: column, path: path),
                "\(diagnostic)", sourceLocation: sourceLocation)
        let prefix = path.isEmpty ? "test.yaml:\(line):\(column): " : "test.yaml:\(line):\(column): \(path): "
        #expect(diagnostic.description.hasPrefix(prefix), "\(diagnostic)", sourceLocation: sourceLocation)
        for part in says {
            #expect(diagnostic.message.contains(part), "\(diagnostic)", sourceLocation: sourceLocation)
        }
    }
}
