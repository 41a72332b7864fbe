import Foundation

/// Query-string text.
enum Query {
    /// Percent-encodes `value` for a query parameter: everything but unreserved characters.
    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
