/// Submits messages to an SMTP relay: the capability the email notifier needs.
public protocol MailTransport: Sendable {
    /// Runs one SMTP transaction and returns the relay's final answer.
    ///
    /// Throws `TransportError` (`rejected_recipient` when the relay refuses the address,
    /// `authentication`, `tls`, …) and `CancellationError` when the calling task is cancelled.
    func send(_ mail: MailRequest) async throws -> MailResponse
}
