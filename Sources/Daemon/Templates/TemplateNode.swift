/// One part of a compiled template.
enum TemplateNode: Sendable {
    /// Text as it is, in UTF-8.
    case text([UInt8])
    /// `{{name}}` (escaped as the content type says) or `{{{name}}}` / `{{&name}}` (never escaped).
    case variable(TemplateName, escaped: Bool)
    /// `{{#name}}…{{/name}}`: once per item of a list, once for any other value but `false`.
    case section(TemplateName, [TemplateNode])
    /// `{{^name}}…{{/name}}`: once when the value is missing, `false` or an empty list.
    case invertedSection(TemplateName, [TemplateNode])
    /// `{{> name}}`: the indentation of a standalone tag, which every line of the partial gets.
    case partial(String, indentation: String?)
    /// A partial found in the library, by its position there.
    case linkedPartial(Int?, indentation: [UInt8]?)
    /// `{{% CONTENT_TYPE: TEXT}}` or `HTML`.
    case contentType(escapes: Bool)

    static func text(_ string: String) -> TemplateNode { .text(Array(string.utf8)) }
}

/// A dotted name, split once: `ticket.id` is `["ticket", "id"]`. `.` (and any name with
/// no parts) is the current value; a name starting with a dot looks only at the current
/// value, not the values around it.
struct TemplateName: Sendable {
    let parts: [String]
    let anchored: Bool

    init(_ name: String) {
        parts = name.split(separator: ".").map(String.init)
        anchored = name.first == "."
    }
}

/// Templates compiled together, so that partials find each other by position.
struct CompiledTemplates: Sendable {
    private(set) var templates: [[TemplateNode]] = []
    private(set) var positions: [String: Int] = [:]

    /// Compiles every template of `sources` (name to text); the names that only the library
    /// can render (see `TemplateParser`), and those whose partials include such a name, are
    /// left out.
    init(_ sources: [String: String]) {
        var parsed: [String: [TemplateNode]] = [:]
        for (name, text) in sources {
            parsed[name] = try? TemplateParser.parse(text)  // nil: only the library renders it
        }
        // Unsupported spreads to every template that uses one as a partial, until nothing changes.
        var unsupported = Set(sources.keys.filter { parsed[$0] == nil })
        var changed = true
        while changed {
            changed = false
            for (name, nodes) in parsed where !unsupported.contains(name)
                && TemplateNode.partialNames(in: nodes).contains(where: unsupported.contains) {
                unsupported.insert(name)
                changed = true
            }
        }
        for name in parsed.keys.sorted() where !unsupported.contains(name) {
            positions[name] = templates.count
            templates.append([])
        }
        for (name, position) in positions {
            templates[position] = TemplateNode.link(parsed[name]!, positions)
        }
    }

    func position(of name: String) -> Int? { positions[name] }
}

extension TemplateNode {
    static func partialNames(in nodes: [TemplateNode]) -> [String] {
        nodes.flatMap { node -> [String] in
            switch node {
            case .partial(let name, _): [name]
            case .section(_, let inner), .invertedSection(_, let inner): partialNames(in: inner)
            default: []
            }
        }
    }

    /// `nodes` with partials found by position and adjacent text joined where that renders
    /// the same (only after a line's end does indentation tell text apart).
    static func link(_ nodes: [TemplateNode], _ positions: [String: Int]) -> [TemplateNode] {
        var linked: [TemplateNode] = []
        for node in nodes {
            switch node {
            case .partial(let name, let indentation):
                linked.append(.linkedPartial(positions[name], indentation: indentation.map { Array($0.utf8) }))
            case .section(let name, let inner): linked.append(.section(name, link(inner, positions)))
            case .invertedSection(let name, let inner): linked.append(.invertedSection(name, link(inner, positions)))
            case .text(let bytes):
                if case .text(let previous) = linked.last, previous.last != UInt8(ascii: "\n") {
                    linked[linked.count - 1] = .text(previous + bytes)
                } else {
                    linked.append(node)
                }
            default: linked.append(node)
            }
        }
        return linked
    }
}
