/// The relay's answer to an accepted message.
public struct MailResponse: Sendable, Equatable {
    /// The last SMTP reply code, 250 when the message was queued.
    public var code: Int
    /// The last reply line as the relay wrote it (`250 2.0.0 Ok: queued as 4F1C2`), trimmed.
    public var reply: String

    public init(code: Int, reply: String) {
        self.code = code
        self.reply = reply
    }
}
