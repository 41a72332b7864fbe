import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension LogChannel {
    /// Why lines could not be appended at `path`, or nil when they can: asked when the
    /// channel is built (`check`, start, reload), without writing a byte, so a path every
    /// delivery would fail on is refused at its key instead of dead-lettering messages.
    ///
    /// A missing file is fine when the nearest directory that exists could hold the ones
    /// the channel makes. A FIFO, socket or device (`/dev/stdout`) is left to the run:
    /// opening one can wait on its reader.
    static func appendProblem(_ path: String) -> String? {
        var info = stat()
        if stat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                return "\(path) is a directory; name a file in it, such as \(path)/notifications.jsonl"
            case S_IFREG:
                let fd = open(path, O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC)
                guard fd >= 0 else { return cannotWrite(path) }
                defer { close(fd) }
                // No bytes: a no-op for a file that takes lines, refused by one that takes
                // none (the files of /proc, even for root).
                var none: UInt8 = 0
                return Glibc.write(fd, &none, 0) < 0 ? cannotWrite(path) : nil
            default:
                return nil
            }
        }
        guard errno == ENOENT || errno == ENOTDIR else { return cannotWrite(path) }
        var ancestor = (path as NSString).deletingLastPathComponent
        while stat(ancestor.isEmpty ? "." : ancestor, &info) != 0 {
            guard errno == ENOENT, ancestor != "/", !ancestor.isEmpty else { return cannotWrite(path) }
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
        let directory = ancestor.isEmpty ? "." : ancestor
        guard info.st_mode & S_IFMT == S_IFDIR else {
            return "\(directory) is not a directory, so \(path) cannot be made; name a file in a directory"
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            return "\(path) cannot be made: \(directory) is not writable (\(String(cString: strerror(errno)))); "
                + "check the directory and its permissions"
        }
        // Root passes `access` anywhere (a read-only mount fails it for everyone), but no
        // file can be made among the kernel's own files.
        let resolved = (directory as NSString).resolvingSymlinksInPath
        if let kernel = ["/proc", "/sys"].first(where: { resolved == $0 || resolved.hasPrefix($0 + "/") }) {
            return "\(path) cannot be made: \(kernel) holds the kernel's files only; "
                + "name a file such as /var/log/slawatch/notifications.jsonl"
        }
        return nil
    }

    private static func cannotWrite(_ path: String) -> String {
        "\(path) cannot be written (\(String(cString: strerror(errno)))); check the file and its permissions"
    }
}
