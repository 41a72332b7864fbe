import Synchronization

/// Wakes one waiting loop: `ring` from anywhere, `wait` in the loop. A ring while nobody
/// waits is kept, so the next wait returns at once; rings do not add up.
final class Doorbell: Sendable {
    private let state = Mutex<(rung: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns on a ring, after `seconds`, or when the task is cancelled, whichever is first.
    func wait(atMost seconds: Double) async {
        // A kept ring returns at once, without a timer made and cancelled: a dispatcher
        // sending a backlog finds its doorbell rung at most turns.
        let kept = state.withLock { state in
            defer { state.rung = false }
            return state.rung
        }
        if kept { return }
        let timer = Task { [self] in
            // Cancelled once the wait is over: then it must not ring for the next one.
            guard (try? await Task.sleep(for: .milliseconds(Int64(max(0, min(seconds, 3600)) * 1000)))) != nil else { return }
            ring()
        }
        defer { timer.cancel() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let early = state.withLock { state -> Bool in
                    if state.rung {
                        state.rung = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if early { continuation.resume() }
            }
        } onCancel: {
            ring()
        }
    }
}
