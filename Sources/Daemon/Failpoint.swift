import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Places where the crash tests kill the daemon on purpose, named by `SLAWATCH_FAILPOINT`.
/// Unset in production: then `trigger` does nothing.
public enum Failpoint: String, Sendable {
    /// Right after a tick's intents and outbox rows are committed, before any delivery.
    case afterCommit = "after-commit"
    /// After a message reached its channel, before the delivery is recorded.
    case afterSend = "after-send"

    /// Kills the process with SIGKILL when `armed` names this point.
    func trigger(_ armed: Failpoint?) {
        guard armed == self else { return }
        kill(getpid(), SIGKILL)
    }
}
