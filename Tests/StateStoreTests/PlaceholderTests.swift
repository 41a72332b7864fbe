import Testing
@Test func stateStorePlaceholder() { #expect(Bool(true)) }
