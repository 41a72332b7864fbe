import Glibc
import Synchronization

extension JournalLogHandler {
    /// Where a `JournalLogHandler` writes its lines: standard error, or a closure (tests).
    public struct Output: Sendable {
        /// The device and inode of a stream, compared with `JOURNAL_STREAM`.
        public struct StreamIdentity: Sendable, Hashable {
            public var device: UInt64
            public var inode: UInt64

            public init(device: UInt64, inode: UInt64) {
                self.device = device
                self.inode = inode
            }
        }

        let write: @Sendable (String) -> Void
        /// The stream's identity when known; nil trusts `JOURNAL_STREAM` as it is.
        let streamIdentity: StreamIdentity?

        /// Lines go to `write`, one call per line, newline included.
        ///
        /// - Parameter streamIdentity: the stream's device and inode when `write` ends up in
        ///   a real stream; nil to take `JOURNAL_STREAM` at its word (tests).
        public init(streamIdentity: StreamIdentity? = nil, write: @escaping @Sendable (String) -> Void) {
            self.streamIdentity = streamIdentity
            self.write = write
        }

        /// Standard error (file descriptor 2): each line in one `write(2)` under a process-wide
        /// lock, so lines from concurrent tasks never interleave.
        public static var standardError: Output {
            var status = stat()
            let identity = fstat(STDERR_FILENO, &status) == 0
                ? StreamIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino)) : nil
            return Output(streamIdentity: identity) { line in
                standardErrorLock.withLock { _ in
                    var bytes = Array(line.utf8)[...]
                    while !bytes.isEmpty {
                        let written = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
                        if written < 0 {
                            if errno == EINTR { continue }
                            return  // nowhere left to report to
                        }
                        bytes = bytes.dropFirst(written)
                    }
                }
            }
        }
    }
}

/// Serialises writes to file descriptor 2 across every `JournalLogHandler`.
private let standardErrorLock = Mutex(())
