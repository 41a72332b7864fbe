/// How one delivery attempt of a message ended: what `Notifier.deliver` returns, the
/// delivery log records and `test-notify` prints.
public struct DeliveryOutcome: Sendable, CustomStringConvertible {
    /// The end state.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Every recipient has it.
        case delivered
        /// Some mail recipients have it and the relay refused the others (see `recipients`).
        case partiallyDelivered = "partially_delivered"
        /// The attempt failed; `error` says why and whether another may succeed. The outbox
        /// dispatcher decides whether and when to try again.
        case failed
        /// No attempt succeeded and none will be made: the message is a dead letter. Only the
        /// dispatcher says this, never a notifier.
        case deadLettered = "dead_lettered"
        /// The task was cancelled (shutdown) before the delivery finished; the outbox keeps
        /// it for the next start.
        case cancelled
    }

    /// The message's idempotency key.
    public var key: String
    public var channel: String
    public var kind: ChannelKind
    public var status: Status
    /// Attempts made: 1, or for mail one per recipient; 0 when none began.
    public var attempts: Int
    /// The receiver's last answer, when it answered.
    public var answer: ReceiverAnswer?
    /// Why the attempt failed; nil when delivered.
    public var error: DeliveryError?
    /// One entry per mail recipient, in order; empty for webhooks.
    public var recipients: [RecipientOutcome]

    public init(
        key: String, channel: String, kind: ChannelKind, status: Status, attempts: Int, answer: ReceiverAnswer? = nil,
        error: DeliveryError? = nil, recipients: [RecipientOutcome] = []
    ) {
        self.key = key
        self.channel = channel
        self.kind = kind
        self.status = status
        self.attempts = attempts
        self.answer = answer
        self.error = error
        self.recipients = recipients
    }

    public var description: String {
        var text = "\(channel) (\(kind.rawValue)) \(key): \(status.rawValue) after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        if let answer { text += "; answer \(answer)" }
        if let error { text += "; \(error)" }
        return text
    }
}
