import Foundation

/// Runs blocking socket work on a thread of its own, so a test never parks one of the
/// few cooperative threads that the server under test also needs.
func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.start()
    }
}
