import Foundation
import SLAConfig

/// Fixtures and shortcuts for the configuration tests.
enum ConfigFixture {
    /// `Tests/SLAConfigTests/Fixtures`.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The name inline test configurations are parsed as.
    static let file = "test.yaml"

    /// The diagnostics of parsing `yaml` as `test.yaml`; empty when it is valid.
    static func diagnostics(_ yaml: String, baseDirectory: String = "/nonexistent", environment: [String: String] = [:]) -> [ConfigDiagnostic] {
        do {
            _ = try Configuration.parse(yaml: yaml, file: file, baseDirectory: baseDirectory, environment: environment)
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// A fresh directory under the system's temporary directory; the caller removes it.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to `name` inside `directory`, creating folders on the way.
    @discardableResult
    static func write(_ text: String, to name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
