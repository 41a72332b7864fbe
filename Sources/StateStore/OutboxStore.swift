public import Foundation
public import SLAEngine

/// What the outbox dispatcher needs of the state: the messages still owed, a place for the
/// ones it words itself (ops notices), and where finished attempts are recorded.
///
/// SQLite is the implementation the daemon runs on; stage tests use one in memory.
public protocol OutboxStore: Sendable {
    /// Every message still pending, oldest first, with its attempts and next attempt.
    func pendingMessages() async throws(StateStoreError) -> [PendingMessage]
    /// Puts messages in the outbox; one already there (by key) is left as it is.
    func enqueue(_ messages: [OutboundMessage]) async throws(StateStoreError)
    /// Records finished attempts and the channel outages they changed, in one transaction.
    /// A record for a message no longer pending (already delivered or dead) changes nothing.
    ///
    /// A shared store records only while this daemon leads (its epoch is current): a
    /// deposed leader's records change nothing and throw `fenced`.
    func record(_ attempts: [AttemptRecord], outages: [String: ChannelOutage?]) async throws(StateStoreError)
    /// Channels in an outage, by name: ops hear once per outage, also across restarts.
    func channelOutages() async throws(StateStoreError) -> [String: ChannelOutage]
    /// Takes the messages about to be attempted; returns the keys this daemon may send.
    ///
    /// A shared store grants claims only while this daemon leads, checked in the database
    /// against the leader's epoch, so a leader that was paused or lost its session starts
    /// nothing once another has taken over. A store one daemon owns grants every claim.
    func claim(_ keys: [String]) async throws(StateStoreError) -> Set<String>
}

extension OutboxStore {
    /// One daemon owns the store (SQLite's daemon lock, a test's memory): every claim holds.
    public func claim(_ keys: [String]) async throws(StateStoreError) -> Set<String> { Set(keys) }
}

/// How one delivery attempt of an outbox message ended, as the state records it.
public struct AttemptRecord: Sendable, Hashable {
    public enum Result: Sendable, Hashable {
        /// The receiver took it; `detail` is its answer or the recipients it refused.
        case delivered(detail: String?)
        /// It failed and is tried again at `at`.
        case retry(at: Date, reason: String, detail: String?)
        /// It failed for good: a dead letter.
        case dead(reason: String, detail: String?)
    }

    public var key: String
    public var at: Date
    public var result: Result
    /// The message as its next attempt sends it, when that differs from what the outbox
    /// holds (a mail retried only to the recipients that did not get it).
    public var next: OutboundMessage?

    public init(key: String, at: Date, result: Result, next: OutboundMessage? = nil) {
        self.key = key
        self.at = at
        self.result = result
        self.next = next
    }
}

/// A channel failing since `since`, with the messages dead-lettered meanwhile.
public struct ChannelOutage: Sendable, Hashable {
    public var since: Date
    public var deadLetters: Int

    public init(since: Date, deadLetters: Int) {
        self.since = since
        self.deadLetters = deadLetters
    }
}
