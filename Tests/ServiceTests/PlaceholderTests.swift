import Testing
@Test func servicePlaceholder() { #expect(Bool(true)) }
