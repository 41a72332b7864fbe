import Crypto
import Foundation

/// Short names that depend only on content, so the same message always gets the same one:
/// Message-IDs, MIME boundaries, Google Chat card ids. SHA-256 is swift-crypto's.
enum ContentHash {
    /// Lowercase hex of the first `bytes` bytes (at most 32) of the SHA-256 of `text` in UTF-8.
    static func hex(of text: String, bytes: Int) -> String {
        MailMessage.hex(SHA256.hash(data: Data(text.utf8)).prefix(bytes))
    }
}
