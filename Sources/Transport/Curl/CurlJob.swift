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
