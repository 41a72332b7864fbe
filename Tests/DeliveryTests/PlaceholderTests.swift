import Testing
@Test func deliveryPlaceholder() { #expect(Bool(true)) }
