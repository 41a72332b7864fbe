public import Foundation
import GRDB
public import SLAEngine

/// The breaches on record: which clocks breached (each is recorded once), and whose they
/// were and when, for counting a customer's repeated breaches.
///
/// A clock is held as the digest of its key (`ClockKey.digest`), 8 bytes instead of a key
/// string of some 80: the ledger lives as long as the daemon, and a large backlog has a
/// breach for most of its clocks.
struct BreachLedger: Sendable {
    var clocks: Set<UInt64> = []
    var entries: [Entry] = []

    struct Entry: Sendable {
        var customerID: String
        var ticketID: String
        var at: Int64
    }

    /// Notes a row read back from the breach table.
    mutating func note(clockKey: String, customerID: String, ticketID: String, at: Int64) {
        clocks.insert(ClockKey.digest(of: clockKey))
        entries.append(Entry(customerID: customerID, ticketID: ticketID, at: at))
    }

    /// Takes the breaches not on record yet; returns their positions in `breaches`, in
    /// clock key order (as SQLite's index wants them), for the store to write. Keys are
    /// made as each row is written (`BreachRecord.clockKey`).
    mutating func add(_ breaches: [BreachRecord]) -> [Int] {
        var new: [Int] = []
        clocks.reserveCapacity(clocks.count + breaches.count)
        for (position, breach) in breaches.enumerated()
        where clocks.insert(ClockKey.digest(breach.ticketKey, breach.metric, breach.cycle)).inserted {
            new.append(position)
        }
        entries.reserveCapacity(entries.count + new.count)
        for position in new {
            entries.append(Entry(
                customerID: breaches[position].customerID, ticketID: breaches[position].ticketKey,
                at: Int64(breaches[position].at.timeIntervalSince1970)
            ))
        }
        // By ticket key, metric and cycle: the order of the keys but for a ticket key that
        // starts another one, which only costs SQLite a little more work.
        new.sort { a, b in
            let (x, y) = (breaches[a], breaches[b])
            if x.ticketKey != y.ticketKey { return x.ticketKey < y.ticketKey }
            if x.metric != y.metric { return x.metric.rawValue < y.metric.rawValue }
            return x.cycle < y.cycle
        }
        return new
    }
}

extension BreachRecord {
    /// The key of the clock that breached.
    var clockKey: String { ClockKey.make(ticketKey, metric, cycle) }
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
        let new = ledger.add(breaches)
        if !new.isEmpty {
            do {
                try await pool.write { db in
                    var insert = try RowWriter(db, sql: "INSERT OR IGNORE INTO breach (clock_key, customer_id, ticket_id, at) VALUES (?, ?, ?, ?)")
                    for position in new {
                        let breach = breaches[position]
                        insert.bind(breach.clockKey)
                        insert.bind(breach.customerID)
                        insert.bind(breach.ticketKey)
                        insert.bind(Int64(breach.at.timeIntervalSince1970))
                        try insert.addRow()
                    }
                    try insert.finish()
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
                ledger.note(clockKey: row["clock_key"], customerID: row["customer_id"], ticketID: row["ticket_id"], at: row["at"])
            }
            return ledger
        }
    }
}
