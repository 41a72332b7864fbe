import Yams

/// A configuration file's YAML composed into a node tree, or the syntax error that stops it.
///
/// Yams stops at the first key repeated in a mapping. To report every repeat at its own
/// position and still check the rest of the file, the occurrence Yams names is renamed in
/// the text (prefixed with `renamedKeyMarker`) and the text composed again; the reader then
/// reports the later occurrences as duplicates. `position(of:)` undoes the column shift the
/// renaming causes on that line, so every position refers to the text as written.
struct YAMLDocument {
    /// Prefixed to a repeated key, possibly more than once; no real key starts with it.
    static let renamedKeyMarker = "slawatch~repeated~"

    /// The root node; nil for a file without a document (empty or only comments).
    let root: Node?
    private let insertions: [Insertion]

    /// Text inserted at a line and column of the text as it was before the insertion.
    private struct Insertion {
        let line: Int
        let column: Int
        let length: Int
    }

    /// A YAML syntax error, positioned in the text as written.
    struct SyntaxError: Error {
        let line: Int
        let column: Int
        let message: String
    }

    private init(root: Node?, insertions: [Insertion]) {
        self.root = root
        self.insertions = insertions
    }

    static func compose(_ text: String) -> Result<YAMLDocument, SyntaxError> {
        var current = text
        var insertions: [Insertion] = []
        // Each round renames one repeat; a file has far fewer keys than this.
        for _ in 0..<10_000 {
            do {
                return .success(YAMLDocument(root: try Yams.compose(yaml: current), insertions: insertions))
            } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
                let mark = context.mark
                guard let edited = inserting(renamedKeyMarker, into: current, at: mark) else {
                    let at = YAMLDocument(root: nil, insertions: insertions).position(of: mark)
                    return .failure(SyntaxError(
                        line: at.line, column: at.column,
                        message: "key \"\(keys.first ?? "")\" is repeated in this mapping; give each key once"
                    ))
                }
                insertions.append(Insertion(line: mark.line, column: mark.column, length: renamedKeyMarker.unicodeScalars.count))
                current = edited
            } catch let error as YamlError {
                return .failure(syntaxError(error, in: current, insertions: insertions))
            } catch {
                return .failure(SyntaxError(line: 1, column: 1, message: "YAML syntax error: \(error)"))
            }
        }
        return .failure(SyntaxError(line: 1, column: 1, message: "too many repeated keys; give each key once"))
    }

    /// A position in the text as written, for a mark in the composed (possibly renamed) text.
    func position(of mark: Mark) -> (line: Int, column: Int) {
        position(line: mark.line, column: mark.column)
    }

    private func position(line: Int, column: Int) -> (line: Int, column: Int) {
        var column = column
        for insertion in insertions.reversed() where insertion.line == line && column > insertion.column {
            column -= insertion.length
        }
        return (line, column)
    }

    private static func syntaxError(_ error: YamlError, in text: String, insertions: [Insertion]) -> SyntaxError {
        let shifted = YAMLDocument(root: nil, insertions: insertions).position(of:)
        let hint = "check the indentation, and quote values that contain \": \", \" #\" or start with a special character"
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let at = shifted(mark)
            if character(at: mark, in: text) == "\t" {
                return SyntaxError(line: at.line, column: at.column, message: "YAML syntax error: a tab; indent YAML with spaces, not tabs")
            }
            var message = "YAML syntax error: \(problem)"
            if let context {
                let from = shifted(context.mark)
                message += " (\(context.text) at line \(from.line), column \(from.column))"
            }
            return SyntaxError(line: at.line, column: at.column, message: "\(message); \(hint)")
        case .reader(let problem, let offset, _, _):
            var line = 1, column = 1
            if let offset {
                for character in text.prefix(offset) {
                    if character == "\n" { line += 1; column = 1 } else { column += character.unicodeScalars.count }
                }
            }
            let at = YAMLDocument(root: nil, insertions: insertions).position(line: line, column: column)
            return SyntaxError(
                line: at.line, column: at.column,
                message: "YAML cannot be read: \(problem); save the file as UTF-8 text without control characters"
            )
        default:
            return SyntaxError(line: 1, column: 1, message: "YAML syntax error: \(error); \(hint)")
        }
    }

    /// The Unicode scalar at a 1-based line and column, if there is one.
    private static func character(at mark: Mark, in text: String) -> Unicode.Scalar? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count, mark.column >= 1 else { return nil }
        let scalars = Array(lines[mark.line - 1].unicodeScalars)
        return mark.column <= scalars.count ? scalars[mark.column - 1] : nil
    }

    /// `text` with `insert` placed before the Unicode scalar at a 1-based line and column.
    private static func inserting(_ insert: String, into text: String, at mark: Mark) -> String? {
        guard mark.line >= 1, mark.column >= 1 else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard mark.line <= lines.count else { return nil }
        var scalars = Array(lines[mark.line - 1].unicodeScalars)
        guard mark.column - 1 < scalars.count else { return nil }
        scalars.insert(contentsOf: insert.unicodeScalars, at: mark.column - 1)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        lines[mark.line - 1] = String(view)
        return lines.joined(separator: "\n")
    }
}
