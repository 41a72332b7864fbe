import Foundation

/// What a finished transfer gives back before it is shaped into an HTTP or mail response.
struct CurlResult: Sendable {
    /// The HTTP status, or the last SMTP reply code.
    var status: Int
    var headers: [HTTPHeader]
    /// The HTTP body, or the last SMTP reply line.
    var body: Data
    var truncated: Bool
}
