import Testing
@testable import Daemon

/// The Mustache spec's whitespace rules (standalone lines, CRLF, partial indentation),
/// escaping and delimiters, with the spec's expected output written out by hand; then
/// random templates held against swift-mustache.
@Suite struct TemplateSpecTests {
    struct Case: Sendable, CustomStringConvertible {
        var template: String
        var partials: [String: String] = [:]
        var context: TemplateValue = ["boolean": true]
        var expected: String
        var description: String { template.debugDescription }
    }

    static let cases: [Case] = [
        // Sections and inverted sections alone on their lines leave no trace of those lines.
        Case(template: "| This Is\n{{#boolean}}\n|\n{{/boolean}}\n| A Line\n", expected: "| This Is\n|\n| A Line\n"),
        Case(template: "| This Is\n  {{#boolean}}\n|\n  {{/boolean}}\n| A Line\n", expected: "| This Is\n|\n| A Line\n"),
        Case(template: "|\r\n{{#boolean}}\r\n{{/boolean}}\r\n|", expected: "|\r\n|"),
        Case(template: "  {{#boolean}}\n#{{/boolean}}\n/", expected: "#\n/"),
        Case(template: "#{{#boolean}}\n/\n  {{/boolean}}", expected: "#\n/\n"),
        Case(template: " | {{#boolean}}\t|\t{{/boolean}} | \n", expected: " | \t|\t | \n"),
        Case(template: " | {{#boolean}} {{! Important Whitespace }}\n {{/boolean}} | \n", expected: " |  \n  | \n"),
        Case(template: " {{#boolean}}YES{{/boolean}}\n {{#boolean}}GOOD{{/boolean}}\n", expected: " YES\n GOOD\n"),
        Case(template: "| This Is\n{{^boolean}}\n|\n{{/boolean}}\n| A Line\n", context: ["boolean": false], expected: "| This Is\n|\n| A Line\n"),
        Case(template: "|\r\n{{^boolean}}\r\n{{/boolean}}\r\n|", context: ["boolean": false], expected: "|\r\n|"),
        // Comments.
        Case(template: "Begin.\n{{! Comment Block! }}\nEnd.\n", expected: "Begin.\nEnd.\n"),
        Case(template: "Begin.\n  {{! Indented Comment Block! }}\nEnd.\n", expected: "Begin.\nEnd.\n"),
        Case(template: "Begin.\n{{!\nSomething's going on here...\n}}\nEnd.\n", expected: "Begin.\nEnd.\n"),
        Case(template: "|\r\n{{! Standalone Comment }}\r\n|", expected: "|\r\n|"),
        Case(template: "  {{! I'm Still Standalone }}\n!", expected: "!"),
        Case(template: "!\n  {{! I'm Still Standalone }}", expected: "!\n"),
        Case(template: "  12 {{! 34 }}\n", expected: "  12 \n"),
        // Partials: a standalone one indents every line it writes.
        Case(template: "|\r\n{{>partial}}\r\n|", partials: ["partial": ">"], expected: "|\r\n>|"),
        Case(template: "  {{>partial}}\n>", partials: ["partial": ">\n>"], expected: "  >\n  >>"),
        Case(template: ">\n  {{>partial}}", partials: ["partial": ">\n>"], expected: ">\n  >\n  >"),
        Case(template: "\\\n {{>partial}}\n/\n", partials: ["partial": "|\n{{{content}}}\n|\n"], context: ["content": "<\n->"],
             expected: "\\\n |\n <\n->\n |\n/\n"),
        Case(template: "  {{data}}  {{> partial}}\n", partials: ["partial": ">\n>"], context: ["data": "|"], expected: "  |  >\n>\n"),
        Case(template: "|{{> partial }}|", partials: ["partial": "[]"], expected: "|[]|"),
        Case(template: "{{#list}}\n  {{> item}}\n{{/list}}\n", partials: ["item": "[{{name}}]\n"],
             context: ["list": [["name": "a"], ["name": "b"]]], expected: "  [a]\n  [b]\n"),
        Case(template: "{{#list}}  {{> item}}\n{{/list}}", partials: ["item": "[{{name}}]\n"],
             context: ["list": [["name": "a"], ["name": "b"]]], expected: "  [a]\n\n  [b]\n\n"),
        // Interpolation: escaped as swift-mustache escapes (the apostrophe too), raw with & and {{{ }}}.
        Case(template: "{{forbidden}}|{{{forbidden}}}|{{&forbidden}}", context: ["forbidden": "& \" < > '"],
             expected: "&amp; &quot; &lt; &gt; &#39;|& \" < > '|& \" < > '"),
        Case(template: "\"{{a.b.c}}\" == \"\"", context: ["a": [:]], expected: "\"\" == \"\""),
        Case(template: "\"{{a.b.c.name}}\" == \"\"", context: ["a": ["b": [:]], "c": ["name": "Jim"]], expected: "\"\" == \"\""),
        Case(template: "{{#a}}{{#b}}{{c}}{{.c}}{{/b}}{{/a}}", context: ["a": ["b": ["x": 1]], "c": "outer"], expected: "outer"),
        Case(template: "{{#list}}({{.}}){{/list}}{{^empty}}none{{/empty}}", context: ["list": ["a", 1, true], "empty": []],
             expected: "(a)(1)(true)none"),
        Case(template: "{{#n}}[{{n}}]{{/n}}{{#s}}<{{s}}>{{/s}}", context: ["n": 0, "s": ""], expected: "[0]<>"),
        // Delimiters.
        Case(template: "{{=<% %>=}}(<%text%>)", context: ["text": "Hey!"], expected: "(Hey!)"),
        Case(template: "Begin.\n{{=@ @=}}\nEnd.\n", expected: "Begin.\nEnd.\n"),
        Case(template: "[\n{{#section}}\n  {{data}}\n  |data|\n{{/section}}\n\n{{= | | =}}\n|#section|\n  {{data}}\n  |data|\n|/section|\n]\n",
             context: ["section": true, "data": "I got interpolated."],
             expected: "[\n  I got interpolated.\n  |data|\n\n  {{data}}\n  I got interpolated.\n]\n"),
    ]

    @Test(arguments: cases)
    func theSpecsOutput(_ spec: Case) throws {
        let engines = try #require(BothEngines(spec.partials.merging(["t": spec.template]) { $1 }))
        let (compiled, library) = engines.render("t", spec.context)
        #expect(compiled == spec.expected)
        #expect(library == spec.expected)
    }

    /// A text form (`{{% CONTENT_TYPE: TEXT}}` first) escapes nothing; its partials, like the
    /// library's, escape as HTML unless they say otherwise too.
    @Test func aTextFormEscapesNothingAndAPartialStartsAgainAsHTML() throws {
        let engines = try #require(BothEngines([
            "t": "{{% CONTENT_TYPE: TEXT}}{{v}} {{> p}} {{> q}}", "p": "{{v}}", "q": "{{% CONTENT_TYPE: TEXT}}\n{{v}}",
        ]))
        let (compiled, library) = engines.render("t", ["v": "<&>"])
        #expect(compiled == "<&> &lt;&amp;&gt; <&>")
        #expect(library == compiled)
    }

    // MARK: Random templates

    static let names = ["a", "b.c", "list", "obj", "obj.inner", "flag", "off", "s", "empty", "missing", ".", ".a", "n", "crlf"]
    /// Names never shown as an object of several keys: the library prints a dictionary in
    /// Swift's hash order, which changes from run to run.
    static let shownNames = names.filter { $0 != "obj" && $0 != "." && $0 != "list" }
    static let fragments = [
        "text", " ", "  ", "\t", "\n", "\n", "\r\n", "\r", "é", "&\u{301}", "<", "x{y", "}", "{{! note }}", "{{!\nlong\n}}",
        "{{% CONTENT_TYPE: TEXT}}", "{{% CONTENT_TYPE: HTML}}", "{{> p}}", "{{>q}}", "{{> missing}}",
    ]

    /// A random template; partials only where `partials` (a partial that names itself never ends).
    static func template(_ rng: inout SeededRandom, depth: Int, partials: Bool = true) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...8, using: &rng) {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<4:
                let fragment = fragments.randomElement(using: &rng)!
                if partials || !fragment.hasPrefix("{{>") { text += fragment }
            case 4..<7:
                let name = shownNames.randomElement(using: &rng)!
                text += ["{{\(name)}}", "{{{\(name)}}}", "{{& \(name) }}", "{{ \(name) }}"].randomElement(using: &rng)!
            default:
                guard depth < 3 else { continue }
                let name = names.randomElement(using: &rng)!
                let open = Bool.random(using: &rng) ? "#" : "^"
                let pad = ["", "\n", "  ", " \n", "\r\n"].randomElement(using: &rng)!
                text += "{{\(open)\(name)}}" + pad + template(&rng, depth: depth + 1, partials: partials) + pad + "{{/\(name)}}"
            }
        }
        return text
    }

    static let contexts: [TemplateValue] = [
        ["a": "A<&>'\"", "b": ["c": "bc\nline"], "list": [["a": "1"], ["a": "2", "b": ["c": "z"]], "plain"], "obj": ["a": "in obj", "inner": ["a": "deep"]],
         "flag": true, "off": false, "s": "", "empty": [], "n": 0, "crlf": "x\r\ny\n"],
        ["a": ["nested": "object"], "list": [], "obj": "a string", "flag": false, "off": true, "s": "s", "n": 7, "missing": false],
        [:],
    ]

    @Test func randomTemplatesRenderTheBytesTheLibraryRenders() {
        var rng = SeededRandom(state: 12)
        var compared = 0
        for round in 0..<1_500 {
            let sources = ["t": Self.template(&rng, depth: 0), "p": Self.template(&rng, depth: 1, partials: false), "q": "{{#obj}}\n  {{> p}}\n{{/obj}}\n"]
            let text = sources.mapValues { "{{% CONTENT_TYPE: TEXT}}" + $0 }
            for (mode, set) in [("html", sources), ("text", text)] {
                guard let engines = BothEngines(set) else { continue }
                for (number, context) in Self.contexts.enumerated() {
                    let (compiled, library) = engines.render("t", context)
                    #expect(compiled != nil, "round \(round): \(set["t"]!.debugDescription)")
                    #expect(compiled == library, "round \(round) \(mode) context \(number): \(set["t"]!.debugDescription) p=\(set["p"]!.debugDescription)")
                    compared += 1
                }
            }
        }
        #expect(compared > 2_000)
    }
}
