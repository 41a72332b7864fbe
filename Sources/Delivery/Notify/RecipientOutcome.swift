/// How delivery to one mail recipient ended.
public struct RecipientOutcome: Sendable, CustomStringConvertible {
    public var address: String
    /// `delivered`, `failed` or `cancelled`.
    public var status: DeliveryOutcome.Status
    public var attempts: Int
    /// The relay's last reply.
    public var answer: ReceiverAnswer?
    public var error: DeliveryError?

    public init(
        address: String, status: DeliveryOutcome.Status, attempts: Int, answer: ReceiverAnswer? = nil,
        error: DeliveryError? = nil
    ) {
        self.address = address
        self.status = status
        self.attempts = attempts
        self.answer = answer
        self.error = error
    }

    public var description: String {
        "\(address): \(status.rawValue)" + (error.map { " (\($0.label))" } ?? "")
    }
}
