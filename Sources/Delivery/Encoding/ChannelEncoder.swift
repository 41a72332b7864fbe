public import Foundation
public import SLAEngine
public import Transport

/// Turns an `OutboundMessage` into the HTTP request one chat or webhook service expects.
///
/// Pure: the time is a parameter (only the signed webhook uses it), and a fresh request is
/// made for every attempt. Every piece of ticket or message text is escaped for the target
/// format, so no ticket can mention everyone, add a link or break the JSON.
public protocol ChannelEncoder: Sendable {
    var kind: ChannelKind { get }
    /// Secrets besides the URL and sensitive headers that a receiver might echo back, for
    /// redacting its answers (the signing secret).
    var secrets: [Secret] { get }
    /// The request for `message`, sent at `date`.
    func request(for message: OutboundMessage, at date: Date) throws -> HTTPRequest
    /// Seconds the receiver asked to wait, from a failed answer; by default its `Retry-After`.
    func retryAfter(in response: HTTPResponse, now: Date) -> TimeInterval?
}

extension ChannelEncoder {
    public var secrets: [Secret] { [] }

    public func retryAfter(in response: HTTPResponse, now: Date) -> TimeInterval? {
        response.header("Retry-After").flatMap { RetryAfter.seconds(header: $0, now: now) }
    }

    /// A JSON POST to `url`.
    func jsonRequest(to url: Secret, body: JSONValue, extraHeaders: [HTTPHeader] = []) throws -> HTTPRequest {
        try jsonRequest(to: url, body: body.encoded(), extraHeaders: extraHeaders)
    }

    /// A JSON POST to `url` of a body already written.
    func jsonRequest(to url: Secret, body: Data, extraHeaders: [HTTPHeader] = []) throws -> HTTPRequest {
        HTTPRequest(
            method: .post, url: url,
            headers: [HTTPHeader("Content-Type", "application/json; charset=utf-8")] + extraHeaders, body: body,
            maxResponseBytes: 64 * 1024)
    }
}
