public import Foundation
public import SLAEngine

/// Everything one tick decided, written in one transaction: ladder progress and the
/// outbox rows that carry it go to disk together or not at all.
public struct TickCommit: Sendable {
    public var at: Date
    /// New intents.
    public var intents: [Intent]
    /// The key of the outbox message that carries each of `intents`, by position: nil for
    /// one held by quiet hours, or skipped.
    public var messageKeys: [String?]
    /// Held intents released now, and muted ones sent as a silence's catch-up, by id, with
    /// the message that carries each.
    public var released: [(id: String, messageKey: String)]
    /// Held intents no longer wanted, by id.
    public var withdrawn: [String]
    /// Held intents whose quiet hours ended under a silence that mutes them, by id.
    public var muted: [(id: String, silence: Silence)] = []
    public var messages: [OutboundMessage] {
        didSet { encoded = nil }
    }
    /// `messages` in their outbox form, when encoded ahead of the commit (`encodeMessages`);
    /// any change to `messages` drops it, and the store encodes them itself.
    private(set) var encoded: [Data]?
    /// Surge samples taken and surges started or ended this tick, written with the
    /// messages that announce them.
    public var surges = SurgeCommit()

    /// `messageKeys` missing at the end are nil.
    public init(
        at: Date, intents: [Intent] = [], messageKeys: [String?] = [],
        released: [(id: String, messageKey: String)] = [], withdrawn: [String] = [],
        messages: [OutboundMessage] = []
    ) {
        self.at = at
        self.intents = intents
        self.messageKeys = messageKeys
        if messageKeys.count < intents.count { self.messageKeys += repeatElement(nil, count: intents.count - messageKeys.count) }
        self.released = released
        self.withdrawn = withdrawn
        self.messages = messages
    }

    /// Encodes the messages for the outbox now, on every core, so that the store's commit
    /// need not: a large tick encodes a part while the part before is written.
    public mutating func encodeMessages() throws(StateStoreError) {
        encoded = try StateStore.encode(messages)
    }
}

/// A message waiting in the outbox, with how often it was tried and when it is next due.
public struct PendingMessage: Sendable, Hashable {
    public var message: OutboundMessage
    /// Attempts already made.
    public var attempts: Int
    /// When the next attempt is due (a fresh message: when it was committed).
    public var nextAttemptAt: Date

    public init(message: OutboundMessage, attempts: Int, nextAttemptAt: Date? = nil) {
        self.message = message
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? message.createdAt
    }
}

/// How much is waiting, for status lines and metrics.
public struct OutboxDepth: Sendable, Hashable {
    public var pending: Int
    public var dead: Int
    public var held: Int

    public init(pending: Int, dead: Int, held: Int) {
        self.pending = pending
        self.dead = dead
        self.held = held
    }
}

/// What a commit tells the dispatcher about the messages it put in the outbox.
public struct Committed: Sendable, Equatable {
    /// Every message went into the outbox new, in a store this daemon alone sends from: each
    /// is pending, and nothing but this daemon's dispatcher changes that, so the first
    /// attempt needs no claim. False when a message's key was already there (it may have
    /// been delivered), and always for a shared store, whose claims stand for leadership.
    public var messagesAreNew: Bool

    public init(messagesAreNew: Bool) { self.messagesAreNew = messagesAreNew }
}
