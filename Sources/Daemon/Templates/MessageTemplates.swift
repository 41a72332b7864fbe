public import Foundation
import Mustache
import SLAConfig
public import SLAEngine

/// The message templates: the defaults of `config/templates/`, with any file of the
/// configured `templates:` directory in place of the default of the same name.
///
/// A template is three files, `NAME.subject.mustache`, `NAME.text.mustache` and
/// `NAME.html.mustache` (the HTML form is for email). Any other `NAME.mustache` is a
/// partial, `{{> NAME}}`. Subjects and text forms render values as they are (channel
/// encoders escape them for Slack, Teams, JSON…); the HTML form escapes them as HTML.
///
/// swift-mustache parses every file first: it is what `check` reports errors with. Each
/// template is then compiled once for `TemplateRenderer`, which renders the same bytes
/// from typed values many times faster; the library renders the few it cannot compile
/// (transforms, template inheritance, dynamic partials).
public struct MessageTemplates: Sendable {
    /// Templates for the team.
    public static let teamTemplates = ["warning", "breach", "catch_up", "repeat", "digest", "all_clear", "risk", "acknowledged"]
    /// Templates for customers, named by a ladder step's `customer_notice`.
    public static let customerTemplates = CustomerNoticeTemplate.allCases.map(\.rawValue)
    /// What the `ops_channel` hears about slawatch's own trouble: one template, whose
    /// context has one of `channel_failing`, `channel_recovered`, `source_stale`,
    /// `source_recovered`.
    public static let opsTemplates = ["ops_notice"]
    /// What a surge rule's `notify` hears when open tickets surge and when the surge ends:
    /// one template, whose context has `started` or `ended`.
    public static let surgeTemplates = ["surge"]
    static let forms = ["subject", "text", "html"]
    /// Every template whose forms slawatch renders.
    static let rendered = teamTemplates + customerTemplates + opsTemplates + surgeTemplates

    /// Subjects, text forms and partials, rendering values unescaped.
    private let text: MustacheLibrary
    /// HTML forms and partials, escaping values as HTML.
    private let html: MustacheLibrary
    /// The same, compiled; a template missing here is rendered by the library.
    private let compiledText: CompiledTemplates
    private let compiledHTML: CompiledTemplates
    /// Where each template file came from, for errors.
    private let origins: [String: String]
    /// The positions of each template's three forms, for the templates whose forms all compiled.
    private let compiledForms: [String: Forms]

    private struct Forms: Sendable {
        var subject: Int
        var text: Int
        var html: Int
    }

    /// What one template renders to.
    public struct Rendered: Sendable, Hashable {
        public var subject: String
        public var text: String
        public var html: String
    }

    /// Loads the defaults and the overrides in `directory` (nil: the defaults alone).
    /// Every problem is reported at once, each naming its file and line.
    public init(directory: String?) throws(TemplateError) {
        var files = DefaultTemplates.files.mapValues { (text: $0, origin: "default template") }
        var problems: [TemplateProblem] = []
        if let directory {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory)
            } catch {
                throw TemplateError([TemplateProblem(file: directory, line: nil, message:
                    "the templates directory cannot be read; create it or fix `templates:`")])
            }
            for name in names.sorted() where name.hasSuffix(".mustache") {
                let path = (directory as NSString).appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    problems.append(TemplateProblem(file: path, line: nil, message: "cannot be read as UTF-8 text"))
                    continue
                }
                files[name] = (text, path)
            }
        }
        var text = MustacheLibrary(), html = MustacheLibrary()
        var textSources: [String: String] = [:], htmlSources: [String: String] = [:]
        var origins: [String: String] = [:]
        for (file, entry) in files.sorted(by: { $0.key < $1.key }) {
            let name = String(file.dropLast(".mustache".count))
            let form = name.split(separator: ".").count > 1 ? String(name.split(separator: ".").last!) : nil
            if let form, !MessageTemplates.forms.contains(form) {
                problems.append(TemplateProblem(file: entry.origin, line: nil, message:
                    "\(file) is neither NAME.subject, NAME.text, NAME.html nor a partial NAME; rename it"))
                continue
            }
            if form != nil, let template = name.split(separator: ".").first.map(String.init), !MessageTemplates.rendered.contains(template) {
                // A form of a template slawatch never renders would be ignored: a misspelt override.
                let close = Suggestion.closest(to: template, in: MessageTemplates.rendered).map { " (did you mean \($0)?)" } ?? ""
                problems.append(TemplateProblem(file: entry.origin, line: nil, message:
                    "\(template) is not a template slawatch renders\(close); rename the file, or name it \(template).mustache for a partial"))
                continue
            }
            origins[name] = entry.origin
            do {
                // The pragma shares the first line, so parser line numbers stay the file's.
                if form != "html" {
                    let source = "{{% CONTENT_TYPE: TEXT}}" + entry.text
                    text.register(try MustacheTemplate(string: source), named: name)
                    textSources[name] = source
                }
                if form == nil || form == "html" {
                    html.register(try MustacheTemplate(string: entry.text), named: name)
                    htmlSources[name] = entry.text
                }
            } catch let error as MustacheTemplate.ParserError {
                problems.append(TemplateProblem(file: entry.origin, line: error.context.lineNumber, message:
                    "does not parse (\(error.error)); check that every {{#section}} has its {{/section}} and every tag is closed"))
            } catch {
                problems.append(TemplateProblem(file: entry.origin, line: nil, message: "does not parse (\(error))"))
            }
            for (partial, line) in MessageTemplates.partials(in: entry.text) where files["\(partial).mustache"] == nil {
                problems.append(TemplateProblem(file: entry.origin, line: line, message:
                    "refers to the partial \(partial), which does not exist; add \(partial).mustache or fix the name"))
            }
        }
        problems += MessageTemplates.partialCycles(in: files)
        for name in MessageTemplates.rendered {
            for form in MessageTemplates.forms where files["\(name).\(form).mustache"] == nil {
                problems.append(TemplateProblem(file: directory ?? "templates", line: nil, message: "\(name).\(form).mustache is missing"))
            }
        }
        self.text = text
        self.html = html
        compiledText = CompiledTemplates(textSources)
        compiledHTML = CompiledTemplates(htmlSources)
        self.origins = origins
        var forms: [String: Forms] = [:]
        for file in files.keys where file.hasSuffix(".subject.mustache") {
            let name = String(file.dropLast(".subject.mustache".count))
            if let subject = compiledText.position(of: "\(name).subject"), let text = compiledText.position(of: "\(name).text"),
               let html = compiledHTML.position(of: "\(name).html") {
                forms[name] = Forms(subject: subject, text: text, html: html)
            }
        }
        compiledForms = forms
        if problems.isEmpty { problems = validateOutput() }
        guard problems.isEmpty else { throw TemplateError(problems) }
    }

    /// Renders template `name` with `context`; the HTML form only `withHTML` (a chat
    /// channel never shows it, and it costs as much as the rest).
    public func render(_ name: String, context: TemplateValue, withHTML: Bool = true) -> Rendered {
        if let forms = compiledForms[name] {
            // The three forms in turn, with one buffer, each cleaned up from its bytes.
            var renderer = TemplateRenderer(compiledText, context: context)
            renderer.render(forms.subject)
            let subject = MessageTemplates.subjectLine(utf8: renderer.out)
            renderer.render(forms.text)
            let text = MessageTemplates.tidy(utf8: renderer.out)
            guard withHTML else { return Rendered(subject: subject, text: text, html: "") }
            renderer.use(compiledHTML)
            renderer.render(forms.html)
            return Rendered(subject: subject, text: text, html: String(decoding: renderer.out, as: UTF8.self))
        }
        return Rendered(
            subject: MessageTemplates.subjectLine(render("\(name).subject", compiledText, text, context)),
            text: MessageTemplates.tidy(render("\(name).text", compiledText, text, context)),
            html: withHTML ? render("\(name).html", compiledHTML, html, context) : ""
        )
    }

    /// The same, with a context of strings, integers, flags, arrays and dictionaries.
    public func render(_ name: String, context: [String: Any], withHTML: Bool = true) -> Rendered {
        render(name, context: TemplateValue(any: context), withHTML: withHTML)
    }

    /// Template `name`, compiled if it could be, else by the library; nothing if there is none.
    private func render(_ name: String, _ compiled: CompiledTemplates, _ library: MustacheLibrary, _ context: TemplateValue) -> String {
        if let position = compiled.position(of: name) {
            return TemplateRenderer.render(position, of: compiled, context: context)
        }
        return library.render(context.any, withTemplate: name) ?? ""
    }

    /// What renders a template: tests hold one against the other.
    enum Engine { case compiled, library }

    /// Form `name` (`breach.text`, a partial…) as `engine` renders it, before a subject is
    /// made one line or a text form tidied; nil when that engine does not have it.
    func renderForm(_ name: String, html isHTML: Bool, context: TemplateValue, by engine: Engine) -> String? {
        let (compiled, library) = isHTML ? (compiledHTML, html) : (compiledText, text)
        switch engine {
        case .compiled: return compiled.position(of: name).map { TemplateRenderer.render($0, of: compiled, context: context) }
        case .library: return library.render(context.any, withTemplate: name)
        }
    }

    /// Every template rendered with sample contexts must say something.
    private func validateOutput() -> [TemplateProblem] {
        var problems: [TemplateProblem] = []
        for (names, context) in [
            (MessageTemplates.teamTemplates, TemplateSamples.team), (MessageTemplates.customerTemplates, TemplateSamples.customer),
            (MessageTemplates.opsTemplates, TemplateSamples.ops), (["risk"], TemplateSamples.risk),
            (MessageTemplates.surgeTemplates, TemplateSamples.surge),
        ] {
            for name in names {
                let rendered = render(name, context: context)
                for (form, output) in [("subject", rendered.subject), ("text", rendered.text), ("html", rendered.html)]
                    where output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    problems.append(TemplateProblem(file: origins["\(name).\(form)"] ?? "\(name).\(form).mustache", line: nil,
                        message: "renders to nothing for a sample ticket; give it some text"))
                }
            }
        }
        return problems
    }

    /// Partials that include themselves, directly or through others: each cycle once, at
    /// the reference that closes it. Rendering one would never end (a message's data has no
    /// nesting for a recursion to end on), so it is refused with the rest of the templates.
    static func partialCycles(in files: [String: (text: String, origin: String)]) -> [TemplateProblem] {
        var includes: [String: [(String, Int)]] = [:]
        for (file, entry) in files where file.hasSuffix(".mustache") && !file.dropLast(".mustache".count).contains(".") {
            includes[String(file.dropLast(".mustache".count))] = partials(in: entry.text)
        }
        var problems: [TemplateProblem] = []
        var done: Set<String> = []
        var reported: Set<Set<String>> = []
        func visit(_ name: String, path: [String]) {
            for (next, line) in includes[name] ?? [] {
                if let start = path.firstIndex(of: next) {
                    let cycle = Array(path[start...]) + [next]
                    if reported.insert(Set(cycle)).inserted {
                        problems.append(TemplateProblem(file: files["\(name).mustache"]!.origin, line: line, message:
                            "the partial \(next) includes itself (\(cycle.joined(separator: " → "))), so it would never end; "
                            + "remove the {{> \(next)}} that closes the circle"))
                    }
                } else if !done.contains(next) {
                    visit(next, path: path + [next])
                }
            }
            done.insert(name)
        }
        for name in includes.keys.sorted() where !done.contains(name) { visit(name, path: [name]) }
        return problems
    }

    /// `{{> name}}` references with their lines.
    static func partials(in text: String) -> [(String, Int)] {
        var found: [(String, Int)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line[...]
            while let open = rest.range(of: "{{>") {
                guard let close = rest[open.upperBound...].range(of: "}}") else { break }
                let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
                found.append((name, index + 1))
                rest = rest[close.upperBound...]
            }
        }
        return found
    }
}

/// One problem with one template file.
public struct TemplateProblem: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
}

/// The templates cannot be used: every problem, one per line.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public var problems: [TemplateProblem]

    init(_ problems: [TemplateProblem]) {
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
