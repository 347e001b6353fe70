import Testing
@Test func ledgerPlaceholder() { #expect(Bool(true)) }
