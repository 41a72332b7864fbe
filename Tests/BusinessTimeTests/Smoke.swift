import Testing
@testable import BusinessTime
@Test func smoke() { #expect(LocalDate(year: 2026, month: 11, day: 20)!.weekday == .friday) }
