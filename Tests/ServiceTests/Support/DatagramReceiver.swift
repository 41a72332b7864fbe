import Foundation
import Glibc

/// A test-owned `AF_UNIX`/`SOCK_DGRAM` socket playing systemd's side of `NOTIFY_SOCKET`.
final class DatagramReceiver: Sendable {
    /// The value to put in `NOTIFY_SOCKET`.
    let notifySocket: String
    private let descriptor: Int32
    private let path: String?

    /// Binds a socket file in a fresh temporary directory, or, with `abstract`, a random
    /// name in the abstract namespace.
    init(abstract: Bool) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno)!) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes: [UInt8]
        let length: Int
        if abstract {
            let name = "slawatch-test-\(UUID().uuidString)"
            notifySocket = "@" + name
            path = nil
            bytes = [0] + Array(name.utf8)
            length = bytes.count
        } else {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let file = directory.appendingPathComponent("notify").path
            notifySocket = file
            path = file
            bytes = Array(file.utf8)
            length = bytes.count + 1
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sa_family_t>.size + length))
            }
        }
        guard bound == 0 else { throw POSIXError(.init(rawValue: errno)!) }
    }

    deinit {
        close(descriptor)
        if let path {
            try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        }
    }

    /// The next datagram as text, or nil when none arrives within `timeout`.
    func receive(timeout: Duration = .seconds(2)) async -> String? {
        let descriptor = self.descriptor
        return await offPool {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let millis = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
            guard poll(&poller, 1, millis) == 1 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count >= 0 else { return nil }
            return String(decoding: buffer[..<count], as: UTF8.self)
        }
    }
}
