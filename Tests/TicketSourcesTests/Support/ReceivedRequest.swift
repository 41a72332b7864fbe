import Foundation

/// One request as the fake server saw it.
struct ReceivedRequest: Decodable, Sendable {
    let method: String
    /// The path after the token.
    let path: String
    let query: String
    let headers: [[String]]
    let body: String

    func header(_ name: String) -> String? {
        headers.first { $0.first?.caseInsensitiveCompare(name) == .orderedSame }?.last
    }

    /// The query's parameters, decoded.
    var parameters: [String: String] {
        var result: [String: String] = [:]
        for item in URLComponents(string: "http://x/?\(query)")?.queryItems ?? [] { result[item.name] = item.value ?? "" }
        return result
    }

    /// The body as a JSON object.
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }
}
