import Foundation
import Yams

/// A value in the configuration file with its key path: reads it as a typed value and
/// reports, at its exact position, anything that is not what the key wants.
///
/// Every read returns nil after reporting, so a section goes on reading its other keys
/// and the file's every problem is found in one pass.
struct ConfigNode {
    let node: Node
    /// The key path, `ladders.default[1].at`.
    let path: String
    let document: ConfigDocument
    /// The key this value is written under, where a missing key inside it is reported.
    var key: Node?

    var location: ConfigLocation { document.location(of: node, path: path) }

    func report(_ message: String, _ code: ConfigDiagnostic.Code = .invalidValue) {
        document.report(code, at: location, message)
    }

    /// Notes something that works but had better be written otherwise; `check` prints it.
    func warn(_ message: String) {
        document.warn(at: location, message)
    }

    /// The value under `key` of this mapping.
    func child(_ key: String, keyNode: Node, value: Node) -> ConfigNode {
        ConfigNode(node: value, path: path.isEmpty ? key : "\(path).\(key)", document: document, key: keyNode)
    }

    /// Item `index` of this list.
    func item(_ index: Int, _ value: Node) -> ConfigNode {
        ConfigNode(node: value, path: "\(path)[\(index)]", document: document)
    }

    /// True for an empty value (`key:` with nothing after it, `~`, `null`).
    var isNull: Bool { node.null != nil }

    /// What the value is, for a message: "a list", "a mapping", "an empty value", "text".
    var kind: String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar: isNull ? "an empty value" : "text"
        }
    }

    // MARK: Shapes

    /// The text of a scalar; `what` and `example` say what belongs here when it is not one.
    func text(_ what: String = "a value", example: String? = nil) -> String? {
        guard case .scalar(let scalar) = node, !isNull else {
            let hint = example.map { ", such as \($0)" } ?? ""
            report("expected \(what)\(hint), found \(kind)", isNull ? .invalidValue : .wrongType)
            return nil
        }
        return scalar.string
    }

    /// Non-empty text, trimmed of spaces.
    func string(_ what: String = "a value", example: String? = nil) -> String? {
        guard let text = text(what, example: example) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            report("is empty; write \(what)" + (example.map { ", such as \($0)" } ?? ""))
            return nil
        }
        return trimmed
    }

    /// The items of a list; an empty value is an empty list.
    func list(of what: String) -> [ConfigNode]? {
        if isNull { return [] }
        guard case .sequence(let sequence) = node else {
            report("expected a list of \(what), found \(kind); write each item on its own line after \"- \", or as [a, b]", .wrongType)
            return nil
        }
        return sequence.enumerated().map { item($0.offset, $0.element) }
    }

    /// One text or a list of them (`lead: support-leads` or `lead: [a, b]`), each with its node.
    func strings(_ what: String, example: String? = nil) -> [(value: String, node: ConfigNode)]? {
        if case .scalar = node, !isNull {
            return string(what, example: example).map { [($0, self)] }
        }
        guard let items = list(of: what) else { return nil }
        let values = items.map { item in item.string(what, example: example).map { ($0, item) } }
        return values.contains { $0 == nil } ? nil : values.compactMap { $0 }
    }

    /// The entries of a mapping; an empty value is an empty mapping. With `allowed`, any
    /// other key is reported as unknown; `what` names the mapping in that message.
    func mapping(allowed: [String]? = nil, what: String? = nil) -> ConfigMapping? {
        if isNull { return ConfigMapping(node: self, entries: []) }
        guard case .mapping(let pairs) = node else {
            let hint = what.map { " of \($0)" } ?? ""
            report("expected a mapping\(hint), found \(kind); write it as key: value lines indented under the key", .wrongType)
            return nil
        }
        let mapping = ConfigMapping(reading: pairs, of: self)
        if let allowed { mapping.allowOnly(allowed, what: what) }
        return mapping
    }

    // MARK: Values

    /// `true` or `false`.
    func bool() -> Bool? {
        guard let text = string("true or false") else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            report("\"\(text)\" is not true or false; write true or false")
            return nil
        }
    }

    /// A whole number of at least `minimum`.
    func count(minimum: Int = 1) -> Int? {
        guard let text = string("a number", example: "3") else { return nil }
        guard let value = Int(text), value >= minimum else {
            report("\"\(text)\" is not a whole number of at least \(minimum); write one such as \(max(minimum, 3))")
            return nil
        }
        return value
    }

    /// One of an enumeration's raw values, `what` naming it in the message ("a canonical status").
    func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type, what: String) -> T? where T.RawValue == String {
        let names = T.allCases.map(\.rawValue)
        guard let text = string(what, example: names.first) else { return nil }
        guard let value = T(rawValue: text) else {
            let close = Suggestion.closest(to: text, in: names).map { " (did you mean \($0)?)" } ?? ""
            report("\"\(text)\" is not \(what)\(close); write one of \(names.joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// A duration in seconds (`90s`, `1h30m`, `2d`); `positive` rejects zero.
    func duration(positive: Bool = true) -> Int? {
        guard let text = string("a duration", example: "30m") else { return nil }
        switch DurationSyntax.seconds(in: text) {
        case .success(let seconds) where seconds == 0 && positive:
            report("\"\(text)\" is zero; write a positive duration such as 30m")
            return nil
        case .success(let seconds):
            return seconds
        case .failure(let problem):
            report(problem.message(for: text))
            return nil
        }
    }

    /// A file or directory path, made absolute against the configuration file's directory.
    func path(_ what: String = "a path") -> String? {
        string(what, example: "relative/to/this/file").map(document.resolvingPath)
    }

    /// Text in which `${NAME}` (and `$NAME` when `bareNames`) is replaced from the environment
    /// now; for values that are not secrets.
    func interpolated(_ what: String, example: String? = nil, bareNames: Bool = false) -> String? {
        guard let raw = string(what, example: example) else { return nil }
        do {
            switch try InterpolatedText(parsing: raw, allowsBareNames: bareNames).expand(document.environment) {
            case .success(let value): return value
            case .failure(let unset):
                report(unset.message, .undefinedName)
                return nil
            }
        } catch {
            report(error.message)
            return nil
        }
    }

    /// A reference to a secret, read later by `resolveSecrets`; the value is never reported.
    ///
    /// An inline value without variables must start with one of `schemes` when any are given.
    func secret(_ kind: SecretReference.Kind, schemes: [String] = []) -> SecretReference? {
        let what = kind == .file ? "a file path" : "a value or ${VARIABLE}"
        guard let raw = string(what) else { return nil }
        let text: InterpolatedText
        do {
            text = try InterpolatedText(parsing: raw, allowsBareNames: kind == .file)
        } catch {
            report(error.message)
            return nil
        }
        if kind == .inline, text.variables.isEmpty, !schemes.isEmpty {
            switch SecretReference.urlProblem(raw, schemes: schemes) {
            case .wrongScheme(let text)?:
                report("\(text); write the full URL, or ${VARIABLE} to take it from the environment")
                return nil
            case .flaw(let text)?:
                report(text)
                return nil
            case nil: break
            }
        }
        let reference = SecretReference(
            kind: kind, text: text, location: location, baseDirectory: document.baseDirectory, schemes: schemes
        )
        document.register(reference)
        return reference
    }

    /// A name that must be one of `defined`; `kind` is what it names ("calendar") and
    /// `section` where such names are defined.
    func reference(to kind: String, in defined: some Collection<String>, section: String) -> String? {
        guard let name = string("a \(kind) name") else { return nil }
        checkReference(name, to: kind, in: defined, section: section)
        return name
    }

    /// Reports `name` unless it is one of `defined`.
    func checkReference(_ name: String, to kind: String, in defined: some Collection<String>, section: String) {
        guard !defined.contains(name) else { return }
        let known = defined.sorted()
        var message = "no \(kind) is named \"\(name)\""
        if let close = Suggestion.closest(to: name, in: known) { message += " (did you mean \(close)?)" }
        message += known.isEmpty
            ? "; define it under \(section)"
            : "; define it under \(section) or use one of \(known.joined(separator: ", "))"
        report(message, .undefinedName)
    }
}
