import Foundation
import Transport

/// Where a secret comes from, as written in the configuration; loading never reads it.
///
/// An `inline` reference is the value itself, in which `${NAME}` is replaced from the
/// environment (`url: "${BILLING_HOOK}"`). A `file` reference names a file that holds the
/// secret (`url_file`, `password_file`, …); its path may use `${NAME}` or `$NAME`, as in
/// `$CREDENTIALS_DIRECTORY/smtp`, and a relative path is relative to the configuration
/// file's directory. `Configuration.resolveSecrets(environment:)` reads them.
public struct SecretReference: Sendable, CustomStringConvertible, CustomReflectable {
    /// How the secret is given.
    public enum Kind: Sendable, Hashable {
        /// The value is written in the configuration, possibly as `${NAME}`.
        case inline
        /// The value is the contents of a file, less a trailing newline.
        case file
    }

    public let kind: Kind
    /// Where the reference is written; its `path` (`channels.ops.url_file`) identifies it.
    public let location: ConfigLocation
    let text: InterpolatedText
    /// The directory a relative file path is resolved against.
    let baseDirectory: String
    /// URL schemes the resolved value must start with (`https://`); empty for any value.
    let schemes: [String]

    init(kind: Kind, text: InterpolatedText, location: ConfigLocation, baseDirectory: String, schemes: [String] = []) {
        self.kind = kind
        self.text = text
        self.location = location
        self.baseDirectory = baseDirectory
        self.schemes = schemes
    }

    /// The environment variables the reference names.
    public var variables: [String] { text.variables }

    /// `file PATH` for a file reference (variables shown as `${NAME}`), `${NAME}` for an
    /// inline reference made only of variables, and `<secret>` for any other inline value.
    public var description: String {
        switch kind {
        case .file: return "file " + written
        case .inline: return text.isOnlyVariables ? written : "<secret>"
        }
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["kind": kind, "location": location, "source": description], displayStyle: .struct)
    }

    /// The text as written, which is safe to show only for a file path or bare variables.
    private var written: String {
        text.parts.map { part in
            switch part {
            case .literal(let literal): literal
            case .variable(let name): "${\(name)}"
            }
        }.joined()
    }

    /// Reads the secret; a failure's message names the key and the variable or path, never a value.
    func resolve(environment: [String: String]) -> Result<Secret, ConfigDiagnostic> {
        let expanded: String
        switch text.expand(environment) {
        case .success(let value): expanded = value
        case .failure(let unset): return .failure(problem(unset.message))
        }
        let value: String
        switch kind {
        case .inline:
            value = expanded
        case .file:
            let path = expanded.hasPrefix("/") ? expanded : baseDirectory + "/" + expanded
            switch SecretReference.read(path) {
            case .success(let contents): value = contents
            case .failure(let reason): return .failure(problem(reason.message(path: path, key: keyName)))
            }
        }
        // A value written out in full had its scheme checked when the file was loaded.
        let writtenOut = kind == .inline && variables.isEmpty
        if !writtenOut && !schemes.isEmpty {
            let source = kind == .file ? "the file \(expanded)" : "the value of " + variables.joined(separator: ", ")
            switch SecretReference.urlProblem(value, schemes: schemes) {
            case .wrongScheme(let text)?: return .failure(problem("\(source) \(text); write the full URL"))
            case .flaw(let text)?: return .failure(problem("\(source) \(text)"))
            case nil: break
            }
        }
        return .success(Secret(value))
    }

    private var keyName: String {
        String(location.path.split(separator: ".").last ?? "")
    }

    private func problem(_ message: String) -> ConfigDiagnostic {
        ConfigDiagnostic(.secret, at: location, message)
    }

    /// Why a secret file gave no secret.
    private enum FileProblem: Error {
        case missing, directory, unreadable, notText, empty

        func message(path: String, key: String) -> String {
            switch self {
            case .missing: "secret file \(path) does not exist; create it, or point \(key) at the right file"
            case .directory: "secret file \(path) is a directory; point \(key) at the file inside it"
            case .unreadable: "secret file \(path) cannot be read; let the slawatch user read it (chmod, chown) or use systemd LoadCredential="
            case .notText: "secret file \(path) is not UTF-8 text; write the secret as text"
            case .empty: "secret file \(path) is empty; write the secret in it"
            }
        }
    }

    /// The file's contents with trailing line breaks removed.
    private static func read(_ path: String) -> Result<String, FileProblem> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .failure(.missing) }
        guard !isDirectory.boolValue else { return .failure(.directory) }
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(.unreadable) }
        guard var text = String(data: data, encoding: .utf8) else { return .failure(.notText) }
        while let last = text.unicodeScalars.last, last == "\n" || last == "\r" {
            text.unicodeScalars.removeLast()
        }
        return text.isEmpty ? .failure(.empty) : .success(text)
    }
}

extension SecretReference {
    /// Why a URL value cannot be requested.
    enum URLProblem {
        /// It does not start with one of the schemes asked for.
        case wrongScheme(String)
        /// libcurl would refuse it (a port past 65535, a space, no host).
        case flaw(String)
    }

    /// Why `value` is no URL of `schemes` a request can be sent to; nil when it is one. The
    /// same check for a value written in the file (when it is loaded) and one taken from a
    /// file or the environment (when it is resolved).
    static func urlProblem(_ value: String, schemes: [String]) -> URLProblem? {
        guard schemes.contains(where: value.hasPrefix) else {
            return .wrongScheme("is not a URL starting with \(schemes.joined(separator: " or "))")
        }
        return URLText.flaw(of: value).map { .flaw("is not a URL a request can be sent to: \($0)") }
    }
}
