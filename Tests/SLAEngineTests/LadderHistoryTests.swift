import Testing
@testable import SLAEngine

/// A large tick holds the ladder records of hundreds of thousands of clocks: a record stays
/// small, found by its clock's key however the key is given, and changed in place.
@Suite struct LadderHistoryTests {
    static let key = "desk:T-1/resolution/2"

    @Test func aRecordTakes16Bytes() {
        #expect(MemoryLayout<LadderHistory.Entry>.stride == 16)
        #expect(MemoryLayout<LadderHistory.Chain>.stride == 8)
    }

    @Test func recordsAreFoundByKeyOrByTheClockInOrder() {
        var history = LadderHistory()
        history.append(LadderRecord(step: "75%", channel: "leads", kind: .warning), to: Self.key)
        history.append(LadderRecord(step: "75%", channel: "leads", kind: .warning), to: "desk:T-1/resolution/1")
        history.append(LadderRecord(step: "breach", channel: nil, kind: .skipped), to: Self.key)
        history.append(LadderRecord(step: "customer_notice", channel: "customers", kind: .customerNotice), to: Self.key)
        let expected = [
            LadderRecord(step: "75%", channel: "leads", kind: .warning),
            LadderRecord(step: "breach", channel: nil, kind: .skipped),
            LadderRecord(step: "customer_notice", channel: "customers", kind: .customerNotice),
        ]
        #expect(history.records(for: Self.key) == expected)
        #expect(history.records(ticketKey: "desk:T-1", metric: .resolution, cycle: 2) == expected)
        #expect(history.records(ticketKey: "desk:T-1", metric: .resolution, cycle: 1).map(\.step) == ["75%"])
        #expect(history.records(ticketKey: "desk:T-1", metric: .firstResponse, cycle: 2).isEmpty)
        #expect(history.records(for: "T-1/resolution/2").isEmpty)
        #expect(history.count == 2)
        #expect(history.recordCount == 4)
    }

    @Test func anIntentIsRecordedOnce() {
        var history = LadderHistory()
        history.record(LadderRecord(step: "75%", channel: "leads", kind: .warning, isHeld: true), for: Self.key)
        history.record(LadderRecord(step: "75%", channel: "leads", kind: .warning), for: Self.key)
        history.record(LadderRecord(step: "75%", channel: "ops", kind: .warning), for: Self.key)
        history.record(LadderRecord(step: "75%", channel: nil, kind: .skipped), for: Self.key)
        #expect(history.records(for: Self.key) == [
            LadderRecord(step: "75%", channel: "leads", kind: .warning, isHeld: true),
            LadderRecord(step: "75%", channel: "ops", kind: .warning),
            LadderRecord(step: "75%", channel: nil, kind: .skipped),
        ])
    }

    /// Held, then released, muted or withdrawn: the record changes where it is, and a
    /// muted one shows the role it was recorded with.
    @Test func aHeldRecordChangesInPlace() {
        var history = LadderHistory()
        for channel in ["a", "b", "c"] {
            history.record(
                LadderRecord(step: "90%", channel: channel, kind: .warning, isHeld: true, role: .manager), for: Self.key)
        }
        #expect(history.records(for: Self.key).map(\.role) == [nil, nil, nil])
        #expect(history.update(Self.key, step: "90%", channel: "a") { $0.isHeld = false })
        #expect(history.update(Self.key, step: "90%", channel: "b") { $0.isHeld = false; $0.isSilenced = true })
        #expect(history.update(Self.key, step: "90%", channel: "c") { $0.isHeld = false; $0.kind = .skipped })
        #expect(!history.update(Self.key, step: "90%", channel: "d") { $0.isHeld = false })
        #expect(!history.update("desk:T-2/resolution/2", step: "90%", channel: "a") { $0.isHeld = false })
        #expect(history.records(for: Self.key) == [
            LadderRecord(step: "90%", channel: "a", kind: .warning),
            LadderRecord(step: "90%", channel: "b", kind: .warning, isSilenced: true, role: .manager),
            LadderRecord(step: "90%", channel: "c", kind: .skipped),
        ])
        #expect(history.recordCount == 3)
    }

    @Test func historiesCompareByWhatTheyHold() {
        let built: LadderHistory = [
            Self.key: [LadderRecord(step: "75%", channel: "leads", kind: .warning)],
            "desk:T-2/resolution/1": [LadderRecord(step: "breach", channel: "ops", kind: .breach)],
        ]
        var appended = LadderHistory()
        appended.append(LadderRecord(step: "breach", channel: "ops", kind: .breach), to: "desk:T-2/resolution/1")
        appended.append(LadderRecord(step: "75%", channel: "leads", kind: .warning), to: Self.key)
        #expect(built == appended)
        var changed = appended
        changed.update(Self.key, step: "75%", channel: "leads") { $0.isHeld = true }
        #expect(changed != appended)
        changed.update(Self.key, step: "75%", channel: "leads") { $0.isHeld = false }
        #expect(changed == appended)
        changed.append(LadderRecord(step: "75%", channel: "leads", kind: .warning), to: "desk:T-3/resolution/1")
        #expect(changed != appended)
        #expect(changed.count == 3)
    }
}
