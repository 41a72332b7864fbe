import StateStore

/// What each attempt needs of the store first: a claim, unless the entry's commit already
/// stands for one (`DeliverySchedule.Entry.isClaimed`).
extension OutboxDispatcher {
    /// How long a message whose claim was refused or failed waits before it is claimed again.
    static let claimRetry = 1.0

    /// Claims the entries that need it, reading back in the same look-up the bodies their
    /// lanes hold as keys; the others are granted as they are.
    static func claim(_ due: [DeliverySchedule.Entry], from store: any OutboxStore) async -> (OutboxClaim, StateStoreError?) {
        var claim = OutboxClaim(granted: Set(due.lazy.filter { !$0.needsClaim }.map(\.key)))
        let unclaimed = due.filter(\.needsClaim)
        let reading = Set(unclaimed.lazy.filter { $0.message == nil }.map(\.key))
        // Untyped: see `StateStoreError.caught`.
        do {
            let answer = try await store.claim(unclaimed.map(\.key), reading: reading)
            claim.granted.formUnion(answer.granted)
            claim.messages = answer.messages
            return (claim, nil)
        } catch {
            return (claim, StateStoreError.caught(error))
        }
    }
}
