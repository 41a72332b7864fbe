public import Foundation

/// The receiver's answer to an `HTTPRequest`: any status, 4xx and 5xx included (only a
/// failed exchange throws).
public struct HTTPResponse: Sendable {
    /// The HTTP status code of the final response.
    public var status: Int
    /// The final response's header fields, in order.
    public var headers: [HTTPHeader]
    /// The body, up to the request's `maxResponseBytes`.
    public var body: Data
    /// True when the body was longer than `maxResponseBytes` and the rest was dropped.
    public var bodyTruncated: Bool

    public init(status: Int, headers: [HTTPHeader] = [], body: Data = Data(), bodyTruncated: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
    }

    /// The value of the last header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
