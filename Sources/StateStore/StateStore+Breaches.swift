public import Foundation
import GRDB
public import SLAEngine

/// The breaches on record: which clocks breached (each is recorded once), and whose they
/// were and when, for counting a customer's repeated breaches.
struct BreachLedger: Sendable {
    var clocks: Set<String> = []
    var entries: [Entry] = []

    struct Entry: Sendable {
        var customerID: String
        var ticketID: String
        var at: Int64
    }

    /// Takes the breaches not on record yet; returns them, as their clock key and their
    /// position in `breaches`, for the store to write.
    mutating func add(_ breaches: [BreachRecord]) -> [(clockKey: String, position: Int)] {
        var new: [(clockKey: String, position: Int)] = []
        clocks.reserveCapacity(clocks.count + breaches.count)
        for (position, breach) in breaches.enumerated() {
            let clockKey = ClockKey.make(breach.ticketKey, breach.metric, breach.cycle)
            if clocks.insert(clockKey).inserted { new.append((clockKey, position)) }
        }
        entries.reserveCapacity(entries.count + new.count)
        for (_, position) in new {
            entries.append(Entry(
                customerID: breaches[position].customerID, ticketID: breaches[position].ticketKey,
                at: Int64(breaches[position].at.timeIntervalSince1970)
            ))
        }
        return new
    }
}

/// How many breaches each customer had within a window, to tell a repeated breach.
public struct BreachCounts: Sendable {
    private var byCustomer: [String: Int] = [:]
    private var byTicket: [TicketOfCustomer: Int] = [:]

    private struct TicketOfCustomer: Hashable {
        var customerID: String
        var ticketID: String
    }

    public init() {}

    init(_ entries: [BreachLedger.Entry], since: Int64) {
        for entry in entries where entry.at >= since {
            byCustomer[entry.customerID, default: 0] += 1
            byTicket[TicketOfCustomer(customerID: entry.customerID, ticketID: entry.ticketID), default: 0] += 1
        }
    }

    /// The customer's breaches on its other tickets: a ticket's own clocks never make its
    /// next breach a repeated one. `ticket` is the ticket key (`Ticket.key`).
    public func earlier(customer: String, excluding ticket: String) -> Int {
        (byCustomer[customer] ?? 0) - (byTicket[TicketOfCustomer(customerID: customer, ticketID: ticket)] ?? 0)
    }
}

extension StateStore {
    /// Records the clocks that went past their due time; a clock breaches once, so only
    /// those not on record yet are written.
    ///
    /// A transaction of its own, apart from the tick's commit: a breach is a fact about the
    /// clock, not a notification, and one lost to a crash is found again by the next
    /// evaluation. So the daemon records breaches while it words the tick's messages.
    public func recordBreaches(_ breaches: [BreachRecord]) async throws(StateStoreError) {
        guard !breaches.isEmpty else { return }
        let cached = cache.withLock { $0.takeBreaches() }
        var ledger: BreachLedger
        if let cached {
            ledger = cached
        } else {
            ledger = try loadBreaches()
        }
        // New ones by position in `breaches`, in key order for SQLite.
        var new = ledger.add(breaches)
        if !new.isEmpty {
            new.sort { $0.clockKey < $1.clockKey }
            let rows = new
            do {
                try await pool.write { db in
                    var insert = try RowWriter(db, sql: "INSERT OR IGNORE INTO breach (clock_key, customer_id, ticket_id, at) VALUES (?, ?, ?, ?)")
                    for (clockKey, position) in rows {
                        try insert.bind(clockKey)
                        try insert.bind(breaches[position].customerID)
                        try insert.bind(breaches[position].ticketKey)
                        try insert.bind(Int64(breaches[position].at.timeIntervalSince1970))
                        try insert.run()
                    }
                }
            } catch {
                throw StateStore.describe(error, path: path)
            }
        }
        cache.withLock { $0.breaches = ledger }
    }

    /// Breaches per customer since `since`, counted from memory after the first call.
    public func breachCounts(since: Date) throws(StateStoreError) -> BreachCounts {
        let ledger: BreachLedger
        if let cached = cache.withLock({ $0.breaches }) {
            ledger = cached
        } else {
            ledger = try loadBreaches()
            cache.withLock { $0.breaches = $0.breaches ?? ledger }
        }
        return BreachCounts(ledger.entries, since: Int64(since.timeIntervalSince1970))
    }

    private func loadBreaches() throws(StateStoreError) -> BreachLedger {
        try read { db in
            var ledger = BreachLedger()
            let rows = try Row.fetchCursor(db, sql: "SELECT clock_key, customer_id, ticket_id, at FROM breach")
            while let row = try rows.next() {
                ledger.clocks.insert(row["clock_key"])
                ledger.entries.append(BreachLedger.Entry(customerID: row["customer_id"], ticketID: row["ticket_id"], at: row["at"]))
            }
            return ledger
        }
    }
}
