import Foundation
@_exported import TestSupport

extension FixtureProcess {
    /// Starts one of this target's fixture scripts (under `Fixtures/`).
    static func start(_ script: String, _ arguments: [String] = []) async throws -> FixtureProcess {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures")
        return try await start(script, in: fixtures, arguments)
    }
}
