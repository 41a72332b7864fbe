import Crypto
import Foundation
public import Transport

/// The HMAC keys of signed action links (`actions.key_file`): one key a line, at least 32
/// bytes each; the first signs, every one verifies, so a key is rotated by putting the new
/// one first and removing the old one once its links have expired.
///
/// A key's id is the first 8 hex digits of its SHA-256: links name the key that signed
/// them without revealing anything of it. The description shows only the ids.
public struct ActionKeys: Sendable, CustomStringConvertible {
    /// Why a key file was refused; the message names lines, never key material.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    struct Key: Sendable {
        let id: String
        let key: SymmetricKey
    }

    /// In file order: the first signs.
    let keys: [Key]

    /// The shortest key accepted, in bytes.
    public static let minimumBytes = 32

    /// Reads the contents of a key file: blank lines are skipped, every other line is a key.
    public init(file contents: Secret) throws(Invalid) {
        var keys: [Key] = []
        for (number, line) in contents.reveal().split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.hasSuffix("\r") ? line.dropLast() : line
            if text.allSatisfy(\.isWhitespace) { continue }
            let bytes = Data(text.utf8)
            guard bytes.count >= ActionKeys.minimumBytes else {
                throw Invalid(description: "line \(number + 1) holds a key of \(bytes.count) bytes; each key needs at least "
                    + "\(ActionKeys.minimumBytes) (make one with: openssl rand -hex 32)")
            }
            keys.append(Key(id: ActionKeys.id(of: bytes), key: SymmetricKey(data: bytes)))
        }
        guard !keys.isEmpty else { throw Invalid(description: "holds no key; write one a line (openssl rand -hex 32)") }
        self.keys = keys
    }

    /// The id of a key: the first 8 hex digits of its SHA-256.
    static func id(of bytes: Data) -> String {
        SHA256.hash(data: bytes).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// The ids, signing key first.
    public var ids: [String] { keys.map(\.id) }

    public var description: String { "ActionKeys(\(ids.joined(separator: ", ")))" }
}
