/// Text that names environment variables: `${NAME}` anywhere, and in file paths also
/// `$NAME` (as in `$CREDENTIALS_DIRECTORY/smtp`). `$$` stands for one `$`.
struct InterpolatedText: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case literal(String)
        case variable(String)
    }

    /// Why a text's variable references are malformed; the message never quotes the text.
    struct SyntaxError: Error {
        let message: String
    }

    let parts: [Part]

    /// Parses `text`; `allowsBareNames` accepts `$NAME` besides `${NAME}`.
    init(parsing text: String, allowsBareNames: Bool) throws(SyntaxError) {
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            literal += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "$" {
                literal += "$"
                rest = rest.dropFirst()
                continue
            }
            let name: Substring
            if rest.first == "{" {
                guard let close = rest.firstIndex(of: "}") else {
                    throw SyntaxError(message: "has a ${ without its closing }; write ${NAME}")
                }
                name = rest[rest.index(after: rest.startIndex)..<close]
                guard InterpolatedText.isName(name) else {
                    throw SyntaxError(message: "names a variable that is not a valid name; write ${NAME} with letters, digits and _")
                }
                rest = rest[rest.index(after: close)...]
            } else if allowsBareNames, let first = rest.first, first == "_" || (first.isASCII && first.isLetter) {
                name = rest.prefix { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
                rest = rest.dropFirst(name.count)
            } else {
                literal += "$"
                continue
            }
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
            parts.append(.variable(String(name)))
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    /// The variables named, in order, each once.
    var variables: [String] {
        var seen = Set<String>()
        return parts.compactMap { part in
            if case .variable(let name) = part, seen.insert(name).inserted { return name }
            return nil
        }
    }

    /// True when the text is nothing but variable references.
    var isOnlyVariables: Bool {
        !parts.isEmpty && variables.count == parts.count
    }

    /// The text with every variable replaced; fails with the first variable that is unset or empty.
    func expand(_ environment: [String: String]) -> Result<String, UnsetVariable> {
        var text = ""
        for part in parts {
            switch part {
            case .literal(let literal):
                text += literal
            case .variable(let name):
                guard let value = environment[name] else { return .failure(UnsetVariable(name: name, isEmpty: false)) }
                guard !value.isEmpty else { return .failure(UnsetVariable(name: name, isEmpty: true)) }
                text += value
            }
        }
        return .success(text)
    }

    /// A variable a text names that the environment does not give a value.
    struct UnsetVariable: Error {
        let name: String
        let isEmpty: Bool

        /// `environment variable NAME is not set; …`, without any value.
        var message: String {
            if isEmpty {
                return "environment variable \(name) is empty; give it a value in the service's environment"
            }
            if name == "CREDENTIALS_DIRECTORY" {
                return "environment variable CREDENTIALS_DIRECTORY is not set; systemd sets it for a unit with "
                    + "LoadCredential=, or write the file's absolute path"
            }
            return "environment variable \(name) is not set; set it in the service's environment "
                + "(systemd Environment= or EnvironmentFile=)"
        }
    }

    private static func isName(_ name: Substring) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
