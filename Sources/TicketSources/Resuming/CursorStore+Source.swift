import Foundation

extension CursorStore {
    /// Reads `key`, turning a store failure into the source's error.
    func load(_ key: String, source: String, host: String) throws(SourceError) -> String? {
        do {
            return try cursor(source: key)
        } catch {
            throw SourceError(
                code: .cursorStore, source: source, host: host,
                message: "cannot read where the source stopped (\(error)); check the state database", recoverable: true)
        }
    }

    /// Writes `key`, turning a store failure into the source's error.
    func save(_ value: String, key: String, at: Date, source: String, host: String) throws(SourceError) {
        do {
            try saveCursor(value, source: key, at: at)
        } catch {
            throw SourceError(
                code: .cursorStore, source: source, host: host,
                message: "cannot save where the source stopped (\(error)); check the state database", recoverable: true)
        }
    }
}
