import Foundation

/// Blanks known secrets out of text that came from outside (a receiver's error body, a
/// curl error line) before it goes into an error, an outcome or a log.
package struct Redaction: Sendable {
    private let secrets: [String]

    package init(_ secrets: [String]) {
        // Longest first, so a URL goes before the token inside it.
        self.secrets = Array(Set(secrets.filter { $0.count >= 4 })).sorted { $0.count > $1.count }
    }

    /// Redacts the secret parts of `urls` (see `URLText.secretPieces`), the sensitive header
    /// values and every `extra` secret whole.
    package init(urls: [Secret], headers: [HTTPHeader] = [], extra: [Secret] = []) {
        self.init(
            urls.flatMap { URLText.secretPieces(of: $0.reveal()) } + headers.filter(\.isSensitive).map(\.value)
                + extra.map { $0.reveal() }
        )
    }

    package init(url: Secret, headers: [HTTPHeader] = [], extra: [Secret] = []) {
        self.init(urls: [url], headers: headers, extra: extra)
    }

    package func apply(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "<secret>")
        }
        return result
    }
}
