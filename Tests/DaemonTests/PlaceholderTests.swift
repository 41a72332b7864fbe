import Testing
@Test func daemonPlaceholder() { #expect(Bool(true)) }
