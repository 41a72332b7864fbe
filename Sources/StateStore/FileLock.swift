import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on a file, held until the lock is released by the process ending.
final class FileLock: Sendable {
    private let descriptor: Int32

    init(path: String) throws(StateStoreError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StateStoreError(.unavailable, "\(path): cannot open the daemon lock file (\(String(cString: strerror(errno)))); check the directory's permissions")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StateStoreError(.locked, "\(path): another slawatch daemon is running on this state database; "
                + "stop it first (two daemons would send everything twice)")
        }
        descriptor = fd
    }

    /// The lock of a daemon that may have run on the state before, taken only to read the
    /// state while none runs: nil when there is no lock file (no daemon ever ran there) or it
    /// cannot be opened (a read-only copy), and an error when a daemon holds it.
    convenience init?(ifPresent path: String) throws(StateStoreError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StateStoreError(.locked, "\(path): a slawatch daemon is running on this state database; stop it first")
        }
        self.init(holding: fd)
    }

    private init(holding descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
