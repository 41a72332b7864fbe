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

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
