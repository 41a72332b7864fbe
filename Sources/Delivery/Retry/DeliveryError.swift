public import Foundation
public import Transport

/// Why one delivery attempt failed, classified for retrying and for metrics.
///
/// `code` is a closed set whose raw values are metric labels (`client_error`,
/// `server_error`, `rate_limited`, `timeout`, …). `recoverable` says whether another
/// attempt may succeed: 5xx, 429, 408, timeouts and connection failures are; other 4xx, TLS
/// verification, a refused login or a permanently refused address are not. The message names
/// the host, never the URL, and carries only a redacted excerpt of what the receiver said.
public struct DeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A closed set of causes; the raw value is the metric label.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A 4xx other than 408 and 429, or a redirect: the request or the webhook is wrong.
        case clientError = "client_error"
        /// A 5xx.
        case serverError = "server_error"
        /// A 429: the receiver asks to slow down.
        case rateLimited = "rate_limited"
        /// No answer in time, or a 408.
        case timeout
        /// Could not connect, or the connection broke.
        case connection
        /// TLS handshake or certificate verification failed.
        case tls
        /// The SMTP relay refused the login.
        case authentication
        /// The SMTP relay refused a recipient.
        case rejectedRecipient = "rejected_recipient"
        /// The SMTP relay refused the sender.
        case rejectedSender = "rejected_sender"
        /// The message could not be encoded or has nowhere to go.
        case invalidMessage = "invalid_message"
        /// The peer broke its protocol.
        case protocolError = "protocol"
        /// The transport shut down during the attempt.
        case shutdown
    }

    public var code: Code
    /// True when another attempt may succeed.
    public var recoverable: Bool
    /// What went wrong and how to fix it.
    public var message: String
    /// The HTTP status or SMTP reply code, when the receiver answered.
    public var status: Int?
    /// Seconds the receiver asked to wait before the next attempt (`Retry-After`, Discord's
    /// `retry_after`).
    public var retryAfter: TimeInterval?
    /// True when the failure is the message's own, not its channel's: a recipient address
    /// the message itself names (a ticket's customer email) that is no address. It says
    /// nothing of the channel's health, so it starts no outage.
    public var isMessageOnly = false

    public init(code: Code, recoverable: Bool, message: String, status: Int? = nil, retryAfter: TimeInterval? = nil) {
        self.code = code
        self.recoverable = recoverable
        self.message = message
        self.status = status
        self.retryAfter = retryAfter
    }

    /// The metric label.
    public var label: String { code.rawValue }

    public var description: String { "\(code.rawValue): \(message)" }

    /// Classifies a transport failure.
    public init(_ error: TransportError) {
        let code: Code =
            switch error.code {
            case .timeout: .timeout
            case .connection: .connection
            case .tls: .tls
            case .authentication: .authentication
            case .rejectedRecipient: .rejectedRecipient
            case .rejectedSender: .rejectedSender
            case .invalidRequest: .invalidMessage
            case .protocolError: .protocolError
            case .shutdown: .shutdown
            }
        self.init(code: code, recoverable: error.recoverable, message: error.message, status: error.replyCode)
    }

    /// Classifies an HTTP answer; nil for a 2xx. `excerpt` must be redacted already.
    public init?(status: Int, host: String, excerpt: String, retryAfter: TimeInterval?) {
        let said = excerpt.isEmpty ? "" : " (\(excerpt))"
        switch status {
        case 200..<300:
            return nil
        case 429:
            let wait = retryAfter.map { ", asking to wait \(TransportError.seconds($0)) s" } ?? ""
            self.init(
                code: .rateLimited, recoverable: true,
                message: "\(host) answered 429 Too Many Requests\(wait)\(said); lower the channel's rate_limit if this repeats",
                status: status, retryAfter: retryAfter)
        case 408:
            self.init(
                code: .timeout, recoverable: true, message: "\(host) answered 408 Request Timeout\(said)", status: status,
                retryAfter: retryAfter)
        case 500..<600:
            self.init(
                code: .serverError, recoverable: true, message: "\(host) answered \(status)\(said); the receiver is failing",
                status: status, retryAfter: retryAfter)
        case 300..<400:
            self.init(
                code: .clientError, recoverable: false,
                message: "\(host) answered \(status), a redirect, which is not followed\(said); configure the final URL",
                status: status)
        case 401, 403:
            self.init(
                code: .clientError, recoverable: false,
                message: "\(host) answered \(status)\(said); the webhook's token is wrong or revoked: check the channel's url",
                status: status)
        case 404, 410:
            self.init(
                code: .clientError, recoverable: false,
                message: "\(host) answered \(status)\(said); the webhook no longer exists: check the channel's url",
                status: status)
        default:
            self.init(
                code: .clientError, recoverable: false,
                message: "\(host) refused the message with \(status)\(said); it will not be retried", status: status)
        }
    }
}
