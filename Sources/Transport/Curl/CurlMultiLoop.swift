internal import CCurl
import Foundation
import Synchronization

/// The thread that owns libcurl's multi handle and runs every transfer on it.
///
/// **The `@unchecked Sendable` invariant.** `multi`, `transfers`, `transfersByID` and `spares` (and the
/// easy handles and `CurlTransfer`s they hold) are touched only by the thread `run()` runs
/// on, from the moment it starts until it returns; `init` merely creates and configures the
/// multi handle before that thread exists, and `run()` cleans it up as its last act. Every
/// other thread talks to this one only through `inbox`, a `Mutex`, and through
/// `curl_multi_wakeup`, which libcurl documents as callable from any thread. That wake-up is
/// only ever called with `inbox` locked and `closed` false, and `run()` sets nothing free
/// until it has seen `closed` under the same lock, so no wake-up can reach a freed handle.
final class CurlMultiLoop: @unchecked Sendable {
    /// Hand-over state, shared with every caller.
    private struct Inbox {
        /// Ids that have been issued and are waiting for their job; true once cancelled.
        var registered: [UInt64: Bool] = [:]
        /// Jobs handed over and not yet picked up by the curl thread.
        var submissions: [CurlJob] = []
        /// Ids the curl thread holds that callers cancelled.
        var cancellations: [UInt64] = []
        /// Ids the curl thread holds (picked up, not yet finished).
        var held: Set<UInt64> = []
        var nextID: UInt64 = 0
        var wakePending = false
        var closed = false
    }

    private let multi: UnsafeMutableRawPointer
    private let settings: TransportSettings
    private let inbox = Mutex(Inbox())
    /// Curl-thread only.
    private var transfers: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    /// Curl-thread only.
    private var transfersByID: [UInt64: CurlTransfer] = [:]
    /// Easy handles of finished transfers, reset, for the next ones (libcurl keeps their
    /// buffers): curl-thread only, at most `spareLimit`.
    private var spares: [UnsafeMutableRawPointer] = []
    private static let spareLimit = 256

    init(settings: TransportSettings) throws {
        CurlMultiLoop.initializeLibcurl
        guard let multi = curl_multi_init() else {
            throw TransportError(
                code: .protocolError, host: "libcurl", message: "libcurl could not create a multi handle",
                recoverable: false)
        }
        self.multi = multi
        self.settings = settings
        _ = slw_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(0, settings.maxConnectionsPerHost))
        _ = slw_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max(0, settings.maxConnections))
        let cache = max(16, settings.maxConnections, settings.maxConnectionsPerHost * 4)
        _ = slw_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, cache)
        let thread = Thread { [self] in
            self.run()
        }
        thread.name = "slawatch-curl"
        thread.start()
    }

    /// `curl_global_init` once per process, before the first handle.
    private static let initializeLibcurl: Void = {
        _ = slw_global_init_all()
    }()

    // MARK: Any thread

    /// Issues the id a job will carry; call before `submit`, so a cancellation that comes
    /// first is remembered.
    func register() -> UInt64 {
        inbox.withLock { box in
            box.nextID += 1
            box.registered[box.nextID] = false
            return box.nextID
        }
    }

    /// Hands a job to the curl thread, or fails it at once when it was cancelled already or
    /// the loop is closed.
    func submit(_ job: CurlJob) {
        let refusal: (any Error)? = inbox.withLock { box in
            let cancelled = box.registered.removeValue(forKey: job.id) ?? false
            if box.closed { return TransportError.shutdown }
            if cancelled { return CancellationError() }
            box.submissions.append(job)
            wake(&box)
            return nil
        }
        if let refusal { job.continuation.resume(throwing: refusal) }
    }

    /// Cancels the job with this id wherever it is; a finished job is left alone.
    func cancel(_ id: UInt64) {
        let job: CurlJob? = inbox.withLock { box in
            if box.registered[id] != nil {
                box.registered[id] = true
                return nil
            }
            if let index = box.submissions.firstIndex(where: { $0.id == id }) {
                return box.submissions.remove(at: index)
            }
            if box.held.contains(id), !box.closed {
                box.cancellations.append(id)
                wake(&box)
            }
            return nil
        }
        job?.continuation.resume(throwing: CancellationError())
    }

    /// Stops the thread: every unfinished job fails with `shutdown`.
    func shutdown() {
        inbox.withLock { box in
            guard !box.closed else { return }
            wake(&box)
            box.closed = true
        }
    }

    private func wake(_ box: inout Inbox) {
        guard !box.wakePending, !box.closed else { return }
        box.wakePending = true
        curl_multi_wakeup(multi)
    }

    // MARK: Curl thread

    private func run() {
        var finished: [UInt64] = []
        var running: Int32 = 0
        while true {
            let (jobs, cancellations, closed) = inbox.withLock { box in
                box.held.subtract(finished)
                box.wakePending = false
                let taken = (box.submissions, box.cancellations, box.closed)
                for job in box.submissions { box.held.insert(job.id) }
                box.submissions.removeAll()
                box.cancellations.removeAll()
                return taken
            }
            finished.removeAll(keepingCapacity: true)
            if closed {
                for job in jobs { job.continuation.resume(throwing: TransportError.shutdown) }
                for transfer in Array(transfersByID.values) { stop(transfer, with: TransportError.shutdown) }
                break
            }
            for job in jobs { start(job, finished: &finished) }
            for id in cancellations {
                if let transfer = transfersByID[id] {
                    stop(transfer, with: CancellationError())
                    finished.append(id)
                }
            }
            curl_multi_perform(multi, &running)
            collect(into: &finished)
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        for easy in spares { curl_easy_cleanup(easy) }
        spares.removeAll()
        curl_multi_cleanup(multi)
    }

    private func start(_ job: CurlJob, finished: inout [UInt64]) {
        let transfer: CurlTransfer
        do {
            transfer = try CurlTransfer(job: job, settings: settings, reusing: spares.popLast())
        } catch {
            job.continuation.resume(throwing: error)
            finished.append(job.id)
            return
        }
        let code = curl_multi_add_handle(multi, transfer.easy)
        guard code == CURLM_OK else {
            job.continuation.resume(
                throwing: TransportError(
                    code: .protocolError, host: transfer.host,
                    message: "libcurl could not start the transfer: \(String(cString: curl_multi_strerror(code)))",
                    recoverable: true))
            finished.append(job.id)
            return
        }
        transfers[transfer.easy] = transfer
        transfersByID[transfer.id] = transfer
    }

    /// Takes a running transfer off the multi handle and fails it.
    private func stop(_ transfer: CurlTransfer, with error: any Error) {
        curl_multi_remove_handle(multi, transfer.easy)
        transfers[transfer.easy] = nil
        transfersByID[transfer.id] = nil
        transfer.continuation.resume(throwing: error)
    }

    /// Hands every finished transfer's result to its caller.
    private func collect(into finished: inout [UInt64]) {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                let transfer = transfers.removeValue(forKey: easy)
            else { continue }
            let code = message.pointee.data.result
            curl_multi_remove_handle(multi, easy)
            transfersByID[transfer.id] = nil
            finished.append(transfer.id)
            let result = transfer.result(for: code)
            if spares.count < CurlMultiLoop.spareLimit { spares.append(transfer.handBack()) }
            transfer.continuation.resume(with: result.mapError { $0 as any Error })
        }
    }
}
