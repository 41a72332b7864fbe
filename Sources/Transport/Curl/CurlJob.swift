import Foundation

/// A request handed to the curl thread, with the continuation that gets its result.
///
/// The continuation is resumed exactly once by `CurlMultiLoop`: refused at `submit`, failed
/// by a cancellation or shutdown, or finished by `collect`, each of which takes the job or
/// its transfer out of the loop's hands first.
struct CurlJob: Sendable {
    enum Work: Sendable {
        case http(HTTPRequest)
        case mail(MailRequest)
    }

    let id: UInt64
    let work: Work
    let continuation: UnsafeContinuation<CurlResult, any Error>
}
