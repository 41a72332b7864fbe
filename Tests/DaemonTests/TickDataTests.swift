import Foundation
import Testing
@testable import Daemon
import SLAEngine

/// The structures a large tick keeps small: the polled tickets by source, and the digest's
/// choice of its worst lines.
@Suite struct TickDataTests {
    static func ticket(_ id: String, subject: String = "") -> Ticket {
        Ticket(id: id, subject: subject, customer: Customer(id: "c"), priority: .normal, status: .open,
               createdAt: Date(timeIntervalSince1970: 1_795_000_000))
    }

    @Test func aTicketIsKeptByTheFirstSourceToReportIt() {
        var tickets = PolledTickets()
        tickets.replace("a", with: [Self.ticket("1", subject: "a1"), Self.ticket("2", subject: "a2"), Self.ticket("2", subject: "again")])
        tickets.replace("b", with: [Self.ticket("2", subject: "b2"), Self.ticket("3", subject: "b3")])
        #expect(tickets.count == 3)
        #expect(tickets["1"]?.ticket.subject == "a1")
        #expect(tickets["2"]?.ticket.subject == "a2")
        #expect(tickets["2"]?.source == "a")
        #expect(tickets["3"]?.source == "b")
        // Left out, not just hidden: the batch no longer holds them.
        #expect(tickets.batches["a"]?.map(\.subject) == ["a1", "a2"])
        #expect(tickets.batches["b"]?.map(\.subject) == ["b3"])

        // A new poll replaces the source's tickets; what it dropped is gone.
        tickets.replace("a", with: [Self.ticket("4", subject: "a4"), Self.ticket("1", subject: "a1 again")])
        #expect(tickets["2"] == nil)
        #expect(tickets["1"]?.ticket.subject == "a1 again")
        #expect(tickets["4"]?.source == "a")
        #expect(tickets.count == 3)

        tickets.remove("a")
        #expect(tickets["1"] == nil && tickets["4"] == nil)
        #expect(tickets["3"]?.ticket.subject == "b3")
        #expect(tickets.count == 1)
    }

    @Test func partsCoverEveryTicketOnce() {
        var tickets = PolledTickets()
        tickets.replace("a", with: (0..<10).map { Self.ticket("a\($0)") })
        tickets.replace("b", with: (0..<3).map { Self.ticket("b\($0)") })
        tickets.replace("c", with: [])
        let parts = tickets.parts(of: 4)
        #expect(parts.allSatisfy { $0.range.count <= 4 && !$0.range.isEmpty })
        let ids = parts.flatMap { part in tickets.batches[part.source]![part.range].map(\.id) }
        #expect(ids.sorted() == ((0..<10).map { "a\($0)" } + (0..<3).map { "b\($0)" }).sorted())
        #expect(parts.count == 4)
    }

    @Test(arguments: [0, 1, 7, 50, 500])
    func theWorstAreTheHeadOfAFullSort(count: Int) {
        var generator = SystemRandomNumberGenerator()
        // Few distinct values, so ties are common and the tie-break decides.
        let values = (0..<300).map { _ in Int.random(in: 0..<20, using: &generator) }
        let precedes = { (a: Int, b: Int) in values[a] != values[b] ? values[a] > values[b] : a < b }
        let sorted = values.indices.sorted(by: precedes)
        #expect(worst(count, of: values.indices, by: precedes) == Array(sorted.prefix(count)))
    }
}
