import Foundation

/// A request handed to the curl thread, with the continuation that gets its result.
struct CurlJob: Sendable {
    enum Work: Sendable {
        case http(HTTPRequest)
        case mail(MailRequest)
    }

    let id: UInt64
    let work: Work
    let continuation: CheckedContinuation<CurlResult, any Error>
}

/// What a finished transfer gives back before it is shaped into an HTTP or mail response.
struct CurlResult: Sendable {
    /// The HTTP status, or the last SMTP reply code.
    var status: Int
    var headers: [HTTPHeader]
    /// The HTTP body, or the last SMTP reply line.
    var body: Data
    var truncated: Bool
}
