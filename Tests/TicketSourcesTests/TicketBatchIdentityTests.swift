import Foundation
import SLAEngine
import Testing
import TicketSources

/// A batch's tickets take their source's name, and an id a source reports twice is one ticket.
@Suite struct TicketBatchIdentityTests {
    func ticket(_ id: String, _ subject: String) -> Ticket {
        Ticket(id: id, subject: subject, createdAt: Date(timeIntervalSince1970: 1_795_000_000))
    }

    @Test func everyTicketTakesTheSourceName() {
        var batch = TicketBatch(tickets: [ticket("1", "a"), ticket("2", "b")])
        batch.identify(as: "eu")
        #expect(batch.tickets.map(\.source) == ["eu", "eu"])
        #expect(batch.tickets.map(\.key) == ["eu:1", "eu:2"])
        #expect(batch.problems.isEmpty)
    }

    @Test func theLaterRecordOfARepeatedIdWinsAndTheEarlierIsAProblem() {
        var batch = TicketBatch(tickets: [ticket("1", "first"), ticket("2", "other"), ticket("1", "second"), ticket("1", "third")])
        batch.identify(as: "eu")
        #expect(batch.tickets.map(\.subject) == ["other", "third"])
        #expect(batch.problems.map(\.description) == [
            "eu: ticket 1: the id appears again later in the same source; the later record is used",
            "eu: ticket 1: the id appears again later in the same source; the later record is used",
        ])
    }

    /// An http-json record with `"id": ""` became a ticket no one could name or acknowledge.
    @Test func aTicketWithAnEmptyIdIsAProblemNotATicket() {
        var batch = TicketBatch(tickets: [ticket("", "blank"), ticket("1", "a"), ticket("  ", "spaces")])
        batch.identify(as: "hj")
        #expect(batch.tickets.map(\.subject) == ["a"])
        #expect(batch.problems.map(\.description) == ["hj: the id is empty; every ticket needs one", "hj: the id is empty; every ticket needs one"])
    }
}
