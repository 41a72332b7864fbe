import Synchronization

/// Runs `body`, giving up after `limit`: the caller hears `onTimeout` then, even when the
/// body does not heed cancellation (a query on a connection whose server went away), and
/// the body, cancelled, is left to end on its own.
func withDeadline<T: Sendable>(
    _ limit: Duration, onTimeout: @escaping @Sendable () -> any Error, _ body: @escaping @Sendable () async throws -> T
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
                guard (try? await Task.sleep(for: limit)) != nil else { return }
                settle(.failure(onTimeout()))
            }
            tasks.withLock { $0 = [work, timer] }
            if settled.withLock({ $0 }) { work.cancel(); timer.cancel() }
        }
    } onCancel: {
        tasks.withLock { for task in $0 { task.cancel() } }
    }
}
