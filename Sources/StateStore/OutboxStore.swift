public import Foundation
public import SLAEngine

/// What the outbox dispatcher needs of the state: the messages still owed, a place for the
/// ones it words itself (ops notices), and where finished attempts are recorded.
///
/// SQLite is the implementation the daemon runs on; stage tests use one in memory.
public protocol OutboxStore: Sendable {
    /// Every message still pending, oldest first, with its attempts and next attempt.
    func pendingMessages() async throws(StateStoreError) -> [PendingMessage]
    /// Every message still pending, oldest first, without its body: what a restarted
    /// dispatcher queues (it reads each body back when it claims the message).
    func pendingKeys() async throws(StateStoreError) -> [PendingKey]
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
    /// Takes the messages about to be attempted: grants the keys this daemon may send, and
    /// reads back the message of each granted key in `reading` (those the dispatcher queued
    /// without their body), in the same look-up.
    ///
    /// A shared store grants claims only while this daemon leads, checked in the database
    /// against the leader's epoch, so a leader that was paused or lost its session starts
    /// nothing once another has taken over. A store one daemon owns grants every claim of a
    /// message still pending.
    func claim(_ keys: [String], reading: Set<String>) async throws(StateStoreError) -> OutboxClaim
}

extension OutboxStore {
    /// The keys of `keys` this daemon may send.
    public func claim(_ keys: [String]) async throws(StateStoreError) -> Set<String> {
        try await claim(keys, reading: []).granted
    }

    /// Read from the messages themselves, for a store that keeps them in memory.
    public func pendingKeys() async throws(StateStoreError) -> [PendingKey] {
        try await pendingMessages().map {
            PendingKey(key: $0.message.key, channel: $0.message.channel, createdAt: $0.message.createdAt,
                       attempts: $0.attempts, nextAttemptAt: $0.nextAttemptAt)
        }
    }
}

/// What a claim granted: the keys, and the messages read back for the keys asked for.
public struct OutboxClaim: Sendable {
    public var granted: Set<String>
    /// Granted messages by key, for the keys the claim was asked to read.
    public var messages: [String: OutboundMessage]

    public init(granted: Set<String>, messages: [String: OutboundMessage] = [:]) {
        self.granted = granted
        self.messages = messages
    }
}

/// A pending outbox message without its body: what ordering and retry need.
public struct PendingKey: Sendable, Hashable {
    public var key: String
    public var channel: String
    /// When it was decided (for the retry policy's maximum age).
    public var createdAt: Date
    /// Attempts already made.
    public var attempts: Int
    /// When the next attempt is due.
    public var nextAttemptAt: Date

    public init(key: String, channel: String, createdAt: Date, attempts: Int, nextAttemptAt: Date) {
        self.key = key
        self.channel = channel
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
    }
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
