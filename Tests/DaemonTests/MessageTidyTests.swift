import Testing
@testable import Daemon

/// Subjects made one line and text forms tidied in UTF-8 give what the definitions by
/// character give, for text full of every kind of line break, space and joining mark.
@Suite struct MessageTidyTests {
    static let pieces = [
        "a", "word", " ", "  ", "\t", "\n", "\n", "\r\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}",
        "\u{A0}", "\u{3000}", "\u{2009}", "\u{301}", "\u{0600}", "\u{200D}", "é", "🧯", "\u{1F9EF}\u{200D}🔥", "\"", "<",
    ]

    static func randomText(_ rng: inout SeededRandom) -> String {
        (0..<Int.random(in: 0...24, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    @Test func subjectLinesAreWhatTheDefinitionByCharacterGives() {
        var rng = SeededRandom(state: 7)
        for _ in 0..<20_000 {
            let text = Self.randomText(&rng)
            #expect(MessageTemplates.subjectLine(text) == MessageTemplates.subjectLineByCharacter(text), "\(text.debugDescription)")
        }
    }

    @Test func tidyTextIsWhatTheDefinitionByCharacterGives() {
        var rng = SeededRandom(state: 8)
        for _ in 0..<20_000 {
            let text = Self.randomText(&rng)
            #expect(MessageTemplates.tidy(text) == MessageTemplates.tidyByCharacter(text), "\(text.debugDescription)")
        }
    }

    @Test(arguments: [
        ("\n\n[SLA breach]  T-1:\r\n first\u{2028}response \t\n", "[SLA breach]  T-1:  first response"),
        ("\u{A0} padded\u{3000}", "padded"),
    ])
    func aSubjectIsOneTrimmedLine(_ rendered: String, _ expected: String) {
        #expect(MessageTemplates.subjectLine(rendered) == expected)
    }

    @Test func tidyKeepsCRLFLinesWholeAndDropsTrailingBlanks() {
        #expect(MessageTemplates.tidy("\n\nHello  \n\n\n\nworld \t\r\nnext  \n \n") == "Hello\n\nworld \t\r\nnext")
    }
}

/// Percents written without a format string read as the format string writes them.
@Suite struct PercentTextTests {
    @Test func percentsAreWhatTheFormatStringWrites() {
        var rng = SeededRandom(state: 9)
        var values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, 99.5, 100.49999999999999, 120.5, 1e20, .infinity, .nan, -3.5]
        values += (0..<20_000).map { _ in Double.random(in: 0...400, using: &rng) }
        values += (0..<2_000).map { Double($0) / 2 }
        for value in values {
            #expect(TemplateContext.percentText(value) == String(format: "%.0f%%", value), "\(value)")
        }
    }
}
