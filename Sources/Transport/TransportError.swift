public import Foundation

/// Why an exchange got no usable answer: the transport's failures, before any HTTP status.
///
/// The message names the host, never the URL, its path or query (webhook tokens live
/// there), nor a password, and says how to fix the problem where it can.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A closed set of causes; the raw values are metric labels.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// No complete answer within the timeout.
        case timeout
        /// Could not resolve or connect, or the peer closed or reset the connection.
        case connection
        /// The TLS handshake or certificate verification failed, or STARTTLS was refused.
        case tls
        /// The SMTP relay refused the login.
        case authentication
        /// The SMTP relay refused the recipient (`RCPT TO`).
        case rejectedRecipient = "rejected_recipient"
        /// The SMTP relay refused the sender (`MAIL FROM`).
        case rejectedSender = "rejected_sender"
        /// The request itself is malformed: a bad URL or scheme, a header with CR or LF.
        case invalidRequest = "invalid_request"
        /// The peer answered something the protocol does not allow, or refused the data.
        case protocolError = "protocol"
        /// The transport was shut down before the exchange finished.
        case shutdown
    }

    public var code: Code
    /// The peer's host name or address.
    public var host: String
    /// What went wrong and, where it can say, how to fix it.
    public var message: String
    /// True when trying again later may succeed.
    public var recoverable: Bool
    /// The SMTP reply code behind a refusal, when the relay gave one.
    public var replyCode: Int?

    public init(code: Code, host: String, message: String, recoverable: Bool, replyCode: Int? = nil) {
        self.code = code
        self.host = host
        self.message = message
        self.recoverable = recoverable
        self.replyCode = replyCode
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

extension TransportError {
    /// Seconds for a message: whole numbers without a fraction.
    package static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// What a job still running or queued gets when the transport shuts down.
    static let shutdown = TransportError(
        code: .shutdown, host: "libcurl", message: "the transport was shut down before the exchange finished",
        recoverable: true)
}
