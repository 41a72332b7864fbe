import Foundation
import SLAEngine
import Testing
@testable import TicketSources

/// The cursor store's contract and the merged view a restart resumes with.
@Suite struct CursorStoreTests {
    /// The daemon's `StateStore` has exactly these shapes, with its own typed error.
    struct StoreFailure: Error, CustomStringConvertible {
        var description: String { "database is locked" }
    }

    final class LockedStore: CursorStore {
        func cursor(source: String) throws(StoreFailure) -> String? { throw StoreFailure() }
        func saveCursor(_ cursor: String, source: String, at: Date) throws(StoreFailure) { throw StoreFailure() }
    }

    @Test func aStoreThatFailsFailsThePollNamingTheStore() async throws {
        let source = ZendeskSource(
            settings: Samples.zendesk("http://127.0.0.1:1"), cursors: LockedStore(), transport: NoTransport(), clock: VirtualClock())
        let error = try await #require(throws: SourceError.self) { try await source.poll() }
        #expect(error.code == .cursorStore)
        #expect(error.message.contains("database is locked"))
    }

    @Test func theInMemoryStoreKeepsValuesAndWhen() {
        let store = InMemoryCursorStore(["a": "1"])
        store.saveCursor("2", source: "b", at: Date(timeIntervalSince1970: 5))
        #expect(store.cursor(source: "a") == "1")
        #expect(store.cursor(source: "b") == "2")
        #expect(store.savedAt(source: "b") == Date(timeIntervalSince1970: 5))
        #expect(store.keys == ["a", "b"])
    }

    @Test func theViewKeepsNewerVersionsAndTheirFirstResponseAndRoundTrips() throws {
        var view = IncrementalView()
        let t = Samples.time("2026-11-17T08:00:00Z")
        view.beginPoll()
        view.merge(Ticket(id: "1", status: .open, createdAt: t, updatedAt: t + 60, firstResponseAt: t + 30))
        // An older version is ignored; a newer one keeps the first response it lacks.
        let older = view.merge(Ticket(id: "1", status: .new, createdAt: t, updatedAt: t))
        #expect(!older)
        view.merge(Ticket(id: "1", status: .pendingCustomer, createdAt: t, updatedAt: t + 120))
        view.merge(Ticket(id: "2", status: .solved, createdAt: t + 1, updatedAt: t + 90))
        view.setFirstResponse(t + 10, ticketID: "1")
        view.setFirstResponse(t + 50, ticketID: "1")
        let first = view.endPoll()
        #expect(first.map(\.id) == ["1", "2"])
        #expect(first[0].status == .pendingCustomer)
        #expect(first[0].firstResponseAt == t + 10)

        let restored = try #require(IncrementalView.decode(view.encoded()))
        var again = restored
        again.beginPoll()
        // The solved ticket was dropped; its same version again is not reported, a newer one is.
        let sameAgain = again.merge(Ticket(id: "2", status: .solved, createdAt: t + 1, updatedAt: t + 90))
        #expect(!sameAgain)
        #expect(again.endPoll().map(\.id) == ["1"])
        again.beginPoll()
        let reopened = again.merge(Ticket(id: "2", status: .open, createdAt: t + 1, updatedAt: t + 200))
        #expect(reopened)
        #expect(again.endPoll().map(\.id) == ["1", "2"])
        #expect(IncrementalView.decode("not json") == nil)
    }
}
