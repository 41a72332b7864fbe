import Foundation
import Testing
@testable import Daemon
import SLAEngine

/// The structures a large tick keeps small: the polled tickets by source, and the digest's
/// choice of its worst lines.
@Suite struct TickDataTests {
    static func ticket(_ id: String, subject: String = "", source: String = "") -> Ticket {
        var ticket = Ticket(id: id, subject: subject, customer: Customer(id: "c"), priority: .normal, status: .open,
                            createdAt: Date(timeIntervalSince1970: 1_795_000_000))
        ticket.source = source
        return ticket
    }

    @Test func twoSourcesWithOneIdAreTwoTickets() {
        var tickets = PolledTickets()
        tickets.replace("a", with: [Self.ticket("1", subject: "a1", source: "a"), Self.ticket("2", subject: "a2", source: "a")])
        tickets.replace("b", with: [Self.ticket("2", subject: "b2", source: "b"), Self.ticket("3", subject: "b3", source: "b")])
        #expect(tickets.count == 4)
        #expect(tickets["a:1"]?.ticket.subject == "a1")
        #expect(tickets["a:2"]?.ticket.subject == "a2")
        #expect(tickets["b:2"]?.ticket.subject == "b2")
        #expect(tickets["b:2"]?.source == "b")
        #expect(tickets["2"] == nil)

        // A new poll replaces the source's tickets; what it dropped is gone, the other source's stay.
        tickets.replace("a", with: [Self.ticket("4", subject: "a4", source: "a"), Self.ticket("1", subject: "a1 again", source: "a")])
        #expect(tickets["a:2"] == nil)
        #expect(tickets["b:2"]?.ticket.subject == "b2")
        #expect(tickets["a:1"]?.ticket.subject == "a1 again")
        #expect(tickets["a:4"]?.source == "a")
        #expect(tickets.count == 4)

        tickets.remove("a")
        #expect(tickets["a:1"] == nil && tickets["a:4"] == nil)
        #expect(tickets.count == 2)
        #expect(tickets["b:3"]?.ticket.subject == "b3")
    }

    @Test func aLargeBatchIsFoundByKeyWithFourBytesASlot() {
        let count = 100_000
        var tickets = PolledTickets()
        tickets.replace("desk", with: (0..<count).map { Self.ticket("T\($0)", subject: "s\($0)", source: "desk") })
        #expect(tickets.count == count)
        for n in stride(from: 0, to: count, by: 997) {
            #expect(tickets["desk:T\(n)"]?.ticket.subject == "s\(n)")
        }
        #expect(tickets["desk:T\(count)"] == nil)
        #expect(tickets["desk:"] == nil)
        #expect(tickets["T1"] == nil)
        // 262,144 slots of four bytes: 1 MiB, where a dictionary from key to place took ten.
        #expect(PositionIndex(tickets.batches["desk"]!).byteCount == 1 << 20)
    }

    @Test func anEvaluatedPartKeepsOnlyTheRoomItTakes() {
        var intents: [Int] = []
        for n in 0..<1_000 { intents.append(n) }
        #expect(intents.capacity > intents.count)
        intents.shrinkToFit()
        #expect(intents == Array(0..<1_000))
        // Rounded up to the allocator's step at most.
        #expect(intents.capacity < 1_000 + 8)
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
