import Mustache
@testable import Daemon

/// Templates rendered by slawatch's compiled renderer and by swift-mustache, the oracle:
/// every output must be the same bytes.
struct BothEngines {
    let compiled: CompiledTemplates
    let library: MustacheLibrary

    /// `sources`, name to text; nil when the library refuses one of them.
    init?(_ sources: [String: String]) {
        var library = MustacheLibrary()
        for (name, text) in sources {
            guard let template = try? MustacheTemplate(string: text) else { return nil }
            library.register(template, named: name)
        }
        self.library = library
        compiled = CompiledTemplates(sources)
    }

    /// What each renders; the compiled side is nil when it left the template to the library.
    func render(_ name: String, _ context: TemplateValue) -> (compiled: String?, library: String?) {
        (
            compiled.position(of: name).map { TemplateRenderer.render($0, of: compiled, context: context) },
            library.render(context.any, withTemplate: name)
        )
    }
}

/// A seeded generator, so a failing case can be run again.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
