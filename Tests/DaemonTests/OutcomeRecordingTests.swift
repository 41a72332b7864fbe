import Foundation
import Testing
@testable import Daemon
import SLAConfig
import SLAEngine
import StateStore

/// A tick's clock outcomes are written part by part as the parts are evaluated, and the
/// tick ends only once every part's are on record.
@Suite struct OutcomeRecordingTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-outcomes-\(UUID())")
    let start = Timestamp(rfc3339: "2026-11-20T12:00:00Z")!.date

    static let yaml = """
        state: state.db
        sources:
          - { name: desk, type: file, path: tickets.json }
        policies:
          - name: all
            targets: { any: { first_response: 20m } }
        teams:
          default: { manager: [leads] }
        ladders:
          default:
            - { at: breach, notify: manager }
        channels:
          leads: { type: log, path: leads.jsonl }
        """

    @Test func everyEvaluatedPartsOutcomesAreOnRecordWhenTheTickEnds() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Three parts' worth of tickets and a few: the last part is a short one.
        let count = 2 * Watcher.ticketsPerPart + 123
        let tickets = (0..<count).map { n in
            #"{"id": "T\#(n)", "status": "open", "customer": {"id": "c\#(n)"}, "created_at": "2026-11-20T11:00:00Z"}"#
        }
        try ("[" + tickets.joined(separator: ",\n") + "]").write(
            to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
        let daemon = try await logWatcher(yaml: Self.yaml, directory: directory)
        let report = try await daemon.tick(at: start)
        #expect(report.breached == count)
        let store = try StateStore(path: directory.appendingPathComponent("state.db").path)
        let outcomes = try store.clockOutcomes(countingFrom: start - 7200, until: start + 3600)
        #expect(outcomes.count == count)
        #expect(Set(outcomes.map(\.ticketID)) == Set((0..<count).map { "T\($0)" }))
        #expect(outcomes.allSatisfy { $0.dueAt == Timestamp(rfc3339: "2026-11-20T11:20:00Z")!.date })
    }
}
