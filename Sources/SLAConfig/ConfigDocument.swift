import Yams

/// One configuration file being read: where it is, the problems found so far, and the
/// secret references met on the way. Every `ConfigNode` of the file reports to it.
final class ConfigDocument {
    /// The file as given to `load` or `parse`; it starts every diagnostic.
    let file: String
    /// The configuration file's directory; relative paths in the file are resolved against it.
    let baseDirectory: String
    /// For `${NAME}` in values that are not secrets (relay and source URLs, `ca_file`).
    let environment: [String: String]
    private let yaml: YAMLDocument
    private(set) var diagnostics: [ConfigDiagnostic] = []
    /// What works but had better be written otherwise.
    private(set) var warnings: [ConfigDiagnostic] = []
    /// In the order they were read.
    private(set) var secretReferences: [SecretReference] = []

    init(file: String, baseDirectory: String, environment: [String: String], yaml: YAMLDocument) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.environment = environment
        self.yaml = yaml
    }

    /// The root of the file, read as an empty mapping when the file holds no document.
    var root: ConfigNode {
        ConfigNode(node: yaml.root ?? Node([(Node, Node)]()), path: "", document: self)
    }

    func location(of node: Node, path: String) -> ConfigLocation {
        let position = node.mark.map(yaml.position(of:)) ?? (line: 1, column: 1)
        return ConfigLocation(file: file, line: position.line, column: position.column, path: path)
    }

    func report(_ code: ConfigDiagnostic.Code, at location: ConfigLocation, _ message: String) {
        let diagnostic = ConfigDiagnostic(code, at: location, message)
        // Several days sharing one written window can find the same fault more than once.
        if !diagnostics.contains(where: { $0.location == location && $0.code == code }) {
            diagnostics.append(diagnostic)
        }
    }

    func warn(at location: ConfigLocation, _ message: String) {
        warnings.append(ConfigDiagnostic(.deprecated, at: location, message))
    }

    func register(_ reference: SecretReference) {
        secretReferences.append(reference)
    }

    /// `path` made absolute against the configuration file's directory.
    func resolvingPath(_ path: String) -> String {
        path.hasPrefix("/") ? path : baseDirectory + "/" + path
    }
}
