/// Renders compiled templates into UTF-8, with the semantics of swift-mustache 2.1 (the
/// library `MessageTemplates` validates templates with and falls back on): the same
/// lookups through the context stack, section rules, partial indentation and HTML escaping.
///
/// Written here because wording is the largest cost of a tick with one message per ticket,
/// and the library's dynamic lookups (a cast per name, per level of the stack) are most of
/// that; no Mustache engine among the packages this project can use renders from typed
/// values.
struct TemplateRenderer {
    private var library: CompiledTemplates
    /// What the last `render` wrote, in UTF-8.
    private(set) var out: [UInt8] = []
    private var stack: [TemplateValue] = []
    private let context: TemplateValue

    /// Template `position` of `library`, rendered with `context`; variables escaped as HTML
    /// unless the template says `{{% CONTENT_TYPE: TEXT}}`.
    static func render(_ position: Int, of library: CompiledTemplates, context: TemplateValue) -> String {
        var renderer = TemplateRenderer(library, context: context)
        renderer.render(position)
        return String(decoding: renderer.out, as: UTF8.self)
    }

    /// A renderer of templates of `library` with `context`, which renders several forms of
    /// one message in turn with the same buffers.
    init(_ library: CompiledTemplates, context: TemplateValue) {
        self.library = library
        self.context = context
        out.reserveCapacity(1024)
        stack.reserveCapacity(4)
    }

    /// Renders template `position` of the library into `out`, in place of what it held.
    mutating func render(_ position: Int) {
        out.removeAll(keepingCapacity: true)
        stack.removeAll(keepingCapacity: true)
        stack.append(context)
        render(library.templates[position], escapes: true, indentation: nil)
    }

    /// Renders the templates of `library` from now on (the HTML forms after the text ones).
    mutating func use(_ library: CompiledTemplates) {
        self.library = library
    }

    /// One template (a whole one, a section's body, a partial) on its own: indentation is
    /// added before a part that writes something when what this template wrote so far ends
    /// a line.
    private mutating func render(_ nodes: [TemplateNode], escapes: Bool, indentation: [UInt8]?) {
        var escapes = escapes
        let start = out.count
        let indentation = indentation.flatMap { $0.isEmpty ? nil : $0 }
        for node in nodes {
            let indent = indentation != nil && endsLine(since: start)
            let before = out.count
            switch node {
            case .text(let bytes):
                out.append(contentsOf: bytes)
            case .variable(let name, let escaped):
                if let value = lookup(name) { write(value, escaped: escaped && escapes) }
            case .section(let name, let body):
                switch lookup(name) {
                case .list(let items)?:
                    for item in items { within(item) { $0.render(body, escapes: escapes, indentation: indentation) } }
                case .bool(let flag)?:
                    if flag { render(body, escapes: escapes, indentation: indentation) }
                case let value?:
                    within(value) { $0.render(body, escapes: escapes, indentation: indentation) }
                case nil:
                    break
                }
            case .invertedSection(let name, let body):
                switch lookup(name) {
                case .list(let items)?:
                    if items.isEmpty { within(.list(items)) { $0.render(body, escapes: escapes, indentation: indentation) } }
                case .bool(let flag)?:
                    if !flag { render(body, escapes: escapes, indentation: indentation) }
                case .some:
                    break
                case nil:
                    render(body, escapes: escapes, indentation: indentation)
                }
            case .linkedPartial(let position, let own):
                // A partial starts escaping as HTML again; a standalone one adds its indentation.
                if let position {
                    render(library.templates[position], escapes: true, indentation: own.map { (indentation ?? []) + $0 } ?? indentation)
                }
            case .contentType(let escaping):
                escapes = escaping
            case .partial:
                preconditionFailure("templates are linked before they are rendered")
            }
            if indent, out.count > before, let indentation { out.insert(contentsOf: indentation, at: before) }
        }
    }

    private mutating func within(_ value: TemplateValue, _ body: (inout TemplateRenderer) -> Void) {
        stack.append(value)
        body(&self)
        stack.removeLast()
    }

    /// Whether what was written since `start` ends with a line feed that is not part of a CRLF.
    private func endsLine(since start: Int) -> Bool {
        let count = out.count - start
        guard count > 0, out[out.count - 1] == UInt8(ascii: "\n") else { return false }
        return count == 1 || out[out.count - 2] != UInt8(ascii: "\r")
    }

    /// The first part of the name in the nearest value that has it (only the current one
    /// for an anchored name), then the rest inside that.
    private func lookup(_ name: TemplateName) -> TemplateValue? {
        let parts = name.parts
        guard !parts.isEmpty else { return stack.last }
        var found: TemplateValue?
        if name.anchored {
            found = stack[stack.count - 1].member(parts[0])
        } else {
            // By position, and each value read in place: no value of the stack is copied on the way.
            var level = stack.count - 1
            while level >= 0, found == nil {
                found = stack[level].member(parts[0])
                level -= 1
            }
        }
        guard var value = found else { return nil }
        var part = 1
        while part < parts.count {
            guard let inner = value.member(parts[part]) else { return nil }
            value = inner
            part += 1
        }
        return value
    }

    private mutating func write(_ value: TemplateValue, escaped: Bool) {
        switch value {
        case .string(let string): escaped ? writeEscaped(string) : out.append(contentsOf: string.utf8)
        case .int(let int): out.append(contentsOf: String(int).utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .list, .object:
            let text = String(describing: value.any)
            escaped ? writeEscaped(text) : out.append(contentsOf: text.utf8)
        }
    }

    /// `< > & " '` as the library escapes them: by character, so one that a following
    /// combining mark joins into a larger character stays as it is.
    private mutating func writeEscaped(_ string: String) {
        var special = false, ascii = true
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), UInt8(ascii: "\""), UInt8(ascii: "'"): special = true
            case 0x80...: ascii = false
            default: break
            }
        }
        guard special else { return out.append(contentsOf: string.utf8) }
        if ascii {
            for byte in string.utf8 { write(escaping: byte) }
        } else {
            for character in string {
                if character.utf8.count == 1, let byte = character.utf8.first { write(escaping: byte) } else { out.append(contentsOf: character.utf8) }
            }
        }
    }

    private mutating func write(escaping byte: UInt8) {
        switch byte {
        case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
        case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
        case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
        case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
        case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
        default: out.append(byte)
        }
    }
}
