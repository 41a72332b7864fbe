import Synchronization

/// Marks a long answer's progress, for a deadline that measures the stretch since the last
/// mark instead of the whole (`withDeadline(_:progress:…)`).
final class DeadlineProgress: Sendable {
    private let last = Mutex(ContinuousClock.now)

    /// Another part of the answer has come.
    func mark() {
        last.withLock { $0 = .now }
    }

    var lastMark: ContinuousClock.Instant { last.withLock { $0 } }
}

/// Runs `body`, giving up after `limit`: the caller hears `onTimeout` then, even when the
/// body does not heed cancellation (a query on a connection whose server went away), and
/// the body, cancelled, is left to end on its own.
///
/// With `progress`, `limit` runs from the body's last mark: an answer of millions of rows
/// that keeps coming is read whole, and one that stops is still given up in time.
func withDeadline<T: Sendable>(
    _ limit: Duration, progress: DeadlineProgress? = nil, onTimeout: @escaping @Sendable () -> any Error,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let settled = Mutex(false)
    let tasks = Mutex<[Task<Void, Never>]>([])
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let settle: @Sendable (Result<T, any Error>) -> Void = { result in
                guard settled.withLock({ settled in defer { settled = true }; return !settled }) else { return }
                continuation.resume(with: result)
                tasks.withLock { for task in $0 { task.cancel() } }
            }
            let work = Task {
                do { settle(.success(try await body())) } catch { settle(.failure(error)) }
            }
            let timer = Task {
                var deadline = ContinuousClock.now + limit
                while true {
                    guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
                    guard let progress, progress.lastMark + limit > .now else { break }
                    deadline = progress.lastMark + limit
                }
                settle(.failure(onTimeout()))
            }
            tasks.withLock { $0 = [work, timer] }
            if settled.withLock({ $0 }) { work.cancel(); timer.cancel() }
        }
    } onCancel: {
        tasks.withLock { for task in $0 { task.cancel() } }
    }
}
