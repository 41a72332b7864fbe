/// Reads a Mustache template into `TemplateNode`s the way swift-mustache 2.1's parser reads
/// it, step for step (the same character reads, the same standalone-line rules and their
/// corner cases, CRLF included), so that a compiled template renders byte for byte what the
/// library renders.
///
/// It runs only on text the library has already accepted, so its errors are never shown:
/// `Unsupported` (transforms such as `{{uppercased(name)}}`, template inheritance, dynamic
/// partials) or a malformed tag sends the template to the library for rendering.
struct TemplateParser {
    struct Unsupported: Error {}

    private struct State {
        var sectionName: String?
        var newLine = true
        var startDelimiter = "{{"
        var endDelimiter = "}}"
    }

    private let buffer: String
    private var position: String.Index

    private init(_ text: String) {
        buffer = text
        position = text.startIndex
    }

    /// The nodes of `text`, or `Unsupported` for what only the library renders.
    static func parse(_ text: String) throws(Unsupported) -> [TemplateNode] {
        var parser = TemplateParser(text)
        do {
            return try parser.parse(state: State())
        } catch {
            throw Unsupported()
        }
    }

    private mutating func parse(state initial: State) throws -> [TemplateNode] {
        var nodes: [TemplateNode] = []
        var state = initial
        var whiteSpaceBefore: Substring = ""
        while !reachedEnd {
            if state.newLine {
                whiteSpaceBefore = read(while: { $0 == " " || $0 == "\t" })
            }
            let text = try readUntilDelimiterOrNewline(state)
            if current.isNewline {
                nodes.append(.text(String(whiteSpaceBefore) + text + String(current)))
                state.newLine = true
                advance()
                continue
            }
            if !text.isEmpty {
                nodes.append(.text(String(whiteSpaceBefore) + text))
                whiteSpaceBefore = ""
                state.newLine = false
            }
            if reachedEnd { break }
            var setNewLine = false
            switch current {
            case "#", "^":
                let inverted = current == "^"
                advance()
                let name = try parseName(state)
                if isStandalone(state) {
                    setNewLine = true
                } else if !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(String(whiteSpaceBefore)))
                    whiteSpaceBefore = ""
                }
                var inner = state
                inner.sectionName = name
                inner.newLine = setNewLine
                let section = try parse(state: inner)
                nodes.append(inverted ? .invertedSection(TemplateName(name), section) : .section(TemplateName(name), section))
            case "/":
                advance()
                let name = try parseName(state)
                guard name == state.sectionName else { throw Unsupported() }
                if !isStandalone(state), !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(String(whiteSpaceBefore)))
                }
                return nodes
            case "!":
                advance()
                try skipComment(state)
                setNewLine = isStandalone(state)
            case "{", "&":
                let triple = current == "{"
                if !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(String(whiteSpaceBefore)))
                    whiteSpaceBefore = ""
                }
                advance()
                let name = try parseName(state)
                if triple { guard try read("}") else { throw Unsupported() } }
                nodes.append(.variable(TemplateName(name), escaped: false))
            case ">":
                advance()
                _ = read(while: \.isWhitespace)
                guard current != "*" else { throw Unsupported() }
                let name = try parsePartialName(state)
                if !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(String(whiteSpaceBefore)))
                }
                if isStandalone(state) {
                    setNewLine = true
                    nodes.append(.partial(name, indentation: String(whiteSpaceBefore)))
                } else {
                    nodes.append(.partial(name, indentation: nil))
                }
                whiteSpaceBefore = ""
            case "<", "$":
                throw Unsupported()
            case "=":
                advance()
                try setDelimiters(&state)
                setNewLine = isStandalone(state)
            case "%":
                advance()
                nodes.append(try readContentType(state))
                setNewLine = isStandalone(state)
            default:
                if !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(String(whiteSpaceBefore)))
                    whiteSpaceBefore = ""
                }
                let name = try parseName(state)
                nodes.append(.variable(TemplateName(name), escaped: true))
            }
            state.newLine = setNewLine
        }
        guard state.sectionName == nil else { throw Unsupported() }
        return nodes
    }

    private mutating func readUntilDelimiterOrNewline(_ state: State) throws -> String {
        guard let first = state.startDelimiter.first else { return "" }
        var total = ""
        while !reachedEnd {
            total += read(while: { $0 != "\n" && $0 != "\r\n" && $0 != first })
            if current.isNewline {
                break
            } else if current == first {
                if try read(string: state.startDelimiter) { break }
                total.append(first)
                advance()
            }
        }
        return total
    }

    /// A tag's name; a name with brackets is a transform, which only the library runs.
    private mutating func parseName(_ state: State) throws -> String {
        _ = read(while: \.isWhitespace)
        let text = read(while: TemplateParser.sectionNameChars.contains)
        _ = read(while: \.isWhitespace)
        guard try read(string: state.endDelimiter) else { throw Unsupported() }
        guard !text.contains("("), !text.contains(")") else { throw Unsupported() }
        return String(text)
    }

    private mutating func parsePartialName(_ state: State) throws -> String {
        _ = read(while: \.isWhitespace)
        let text = read(while: TemplateParser.partialNameChars.contains)
        _ = read(while: \.isWhitespace)
        guard try read(string: state.endDelimiter) else { throw Unsupported() }
        return String(text)
    }

    /// Past the end delimiter, matched as the library matches it (a mismatch restarts the
    /// match at the next character, not at this one).
    private mutating func skipComment(_ state: State) throws {
        let until = state.endDelimiter
        guard !until.isEmpty else { return }
        var index = until.startIndex
        while !reachedEnd {
            if current == until[index] {
                index = until.index(after: index)
                if index == until.endIndex {
                    advance()
                    return
                }
            } else {
                index = until.startIndex
            }
            advance()
        }
        throw Unsupported()
    }

    private mutating func setDelimiters(_ state: inout State) throws {
        _ = read(while: \.isWhitespace)
        let start = read(while: { !$0.isWhitespace })
        guard !reachedEnd else { throw Unsupported() }
        _ = read(while: \.isWhitespace)
        let end = read(while: { $0 != "=" && !$0.isWhitespace })
        guard !reachedEnd else { throw Unsupported() }
        _ = read(while: \.isWhitespace)
        guard try read("="), try read(string: state.endDelimiter), !start.isEmpty, !end.isEmpty else { throw Unsupported() }
        state.startDelimiter = String(start)
        state.endDelimiter = String(end)
    }

    /// `{{% CONTENT_TYPE: TEXT}}` or `HTML`: whether variables are escaped from here on.
    private mutating func readContentType(_ state: State) throws -> TemplateNode {
        _ = read(while: \.isWhitespace)
        let variable = read(while: TemplateParser.nameCharsWithoutBrackets.contains)
        _ = read(while: \.isWhitespace)
        guard try read(":") else { throw Unsupported() }
        _ = read(while: \.isWhitespace)
        let value = read(while: TemplateParser.nameCharsWithoutBrackets.contains)
        _ = read(while: \.isWhitespace)
        guard try read(string: state.endDelimiter), variable == "CONTENT_TYPE" else { throw Unsupported() }
        switch value {
        case "HTML": return .contentType(escapes: true)
        case "TEXT": return .contentType(escapes: false)
        default: throw Unsupported()
        }
    }

    /// The rest of the line is blank (then it is consumed, its line break included).
    private mutating func isStandalone(_ state: State) -> Bool {
        guard state.newLine else { return false }
        if reachedEnd { return true }
        var ahead = self
        _ = ahead.read(while: { $0 == " " || $0 == "\t" })
        guard ahead.current.isNewline else { return false }
        ahead.advance()
        position = ahead.position
        return true
    }

    private static let nameCharsWithoutBrackets = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*")
    private static let sectionNameChars = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*")
    private static let partialNameChars = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*/")

    // MARK: Reading characters

    private var reachedEnd: Bool { position == buffer.endIndex }
    /// The current character; NUL at the end.
    private var current: Character { reachedEnd ? "\0" : buffer[position] }
    private mutating func advance() { position = buffer.index(after: position) }

    private mutating func read(while accept: (Character) -> Bool) -> Substring {
        let start = position
        while !reachedEnd, accept(buffer[position]) { advance() }
        return buffer[start..<position]
    }

    /// Reads `character` if it is next; an error at the end, as in the library.
    private mutating func read(_ character: Character) throws -> Bool {
        guard !reachedEnd else { throw Unsupported() }
        guard buffer[position] == character else { return false }
        advance()
        return true
    }

    /// Reads `string` if it comes next, compared as characters; an error when fewer
    /// characters are left, as in the library.
    private mutating func read(string: String) throws -> Bool {
        guard !string.isEmpty else { return true }
        guard let end = buffer.index(position, offsetBy: string.count, limitedBy: buffer.endIndex) else { throw Unsupported() }
        guard buffer[position..<end] == string else { return false }
        position = end
        return true
    }
}
