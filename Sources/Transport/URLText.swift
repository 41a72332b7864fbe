import Foundation

/// The few things the transport and its users read out of a URL without ever showing all of it.
package enum URLText {
    /// The host, or `the configured host` when the URL has none; never the path or query.
    package static func host(of url: String) -> String {
        if let host = URLComponents(string: url)?.host, !host.isEmpty { return host }
        return "the configured host"
    }

    /// What keeps `url` from being requested, in words that never quote it: a URL may carry
    /// a token. Nil when it is a URL libcurl takes (its scheme is the caller's to check).
    package static func flaw(of url: String) -> String? {
        if url.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true }) {
            return "it holds a space or a control character; write the URL alone, percent-encoding what needs it"
        }
        guard let parts = URLComponents(string: url) else {
            return "it does not parse; check its characters and percent-encoding"
        }
        guard let host = parts.host, !host.isEmpty else { return "it names no host" }
        if let port = parts.port, !(1...65535).contains(port) { return "its port is not between 1 and 65535" }
        return nil
    }

    /// The scheme, lowercased, or nil.
    package static func scheme(of url: String) -> String? {
        URLComponents(string: url)?.scheme?.lowercased()
    }

    /// The pieces of a URL that may be secret: the whole URL, everything after the host,
    /// long path segments and query values, and the userinfo password.
    package static func secretPieces(of url: String) -> [String] {
        var pieces = [url]
        guard let components = URLComponents(string: url) else { return pieces }
        if let range = components.rangeOfPath, range.lowerBound < url.endIndex {
            pieces.append(String(url[range.lowerBound...]))
        }
        let path = components.percentEncodedPath
        if path.count > 1 { pieces.append(path) }
        pieces += path.split(separator: "/").map(String.init).filter { $0.count >= 6 }
        if let query = components.percentEncodedQuery, !query.isEmpty {
            pieces.append(query)
            for item in components.queryItems ?? [] {
                if let value = item.value, value.count >= 6 { pieces.append(value) }
            }
        }
        if let password = components.password, !password.isEmpty { pieces.append(password) }
        if let user = components.user, !user.isEmpty, components.password != nil { pieces.append(user) }
        return pieces
    }
}
