public import Foundation
import Glibc
import Synchronization

/// What the receiver saw, handed over when it stops.
public struct ReceiverReport: Sendable {
    /// Per message number, how often its `webhook-id` arrived (saturating at 255).
    public var counts: [UInt8]
    /// Requests whose `webhook-id` was missing or did not start `bench-<n>` with n in range.
    public var unknown = 0
    public var requests = 0
    /// TCP connections accepted: with keep-alive, about the client's connection cap.
    public var connections = 0
    /// When the first request arrived.
    public var first: ContinuousClock.Instant?

    /// Message numbers that never arrived, and that arrived more than once.
    public var lost: Int { counts.filter { $0 == 0 }.count }
    public var duplicated: Int { counts.filter { $0 > 1 }.count }
}

/// A single-threaded poll(2) HTTP/1.1 server on 127.0.0.1 that answers every request
/// `200 ok` on the same keep-alive connection and counts each `webhook-id` (`bench-<n>`,
/// anything may come before or after), so the client, not the receiver, is what the
/// benchmark measures. It also counts requests, for senders that carry no such id.
public final class LoopbackReceiver: Sendable {
    public let port: Int
    /// Distinct message numbers and requests so far, for waiting on them while it runs.
    private let progress = Mutex<(distinct: Int, requests: Int)>((0, 0))
    /// The write end of a pipe whose read end the server polls: a byte there stops it.
    private let stopFD: Int32
    private let report = Mutex<ReceiverReport?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    public init(expected: Int) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard listener >= 0 else { throw BenchError("socket: errno \(errno)") }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 1024) == 0 else { throw BenchError("bind/listen: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw BenchError("pipe: errno \(errno)") }
        stopFD = ends[1]
        let stopRead = ends[0]
        let thread = Thread { [self] in
            let result = LoopbackReceiver.serve(listener: listener, stop: stopRead, expected: expected, progress: self.progress)
            self.report.withLock { $0 = result }
            self.finished.signal()
        }
        thread.name = "bench-receiver"
        thread.start()
    }

    /// Waits until `distinct` message numbers (or, with `requests`, that many requests)
    /// have arrived; returns the instant they had, or nil at the deadline.
    public func wait(distinct: Int? = nil, requests: Int? = nil, until deadline: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        while ContinuousClock.now < deadline {
            let now = progress.withLock { $0 }
            if let distinct, now.distinct >= distinct { return ContinuousClock.now }
            if let requests, now.requests >= requests { return ContinuousClock.now }
            usleep(500)
        }
        return nil
    }

    /// Stops the server thread and returns what it counted.
    public func finish() -> ReceiverReport {
        var one: UInt8 = 1
        _ = write(stopFD, &one, 1)
        finished.wait()
        return report.withLock { $0! }
    }

    private struct Connection {
        var input: [UInt8] = []
        var start = 0
        var output: [UInt8] = []
    }

    private static let response = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok".utf8)

    private static func serve(
        listener: Int32, stop: Int32, expected: Int, progress: borrowing Mutex<(distinct: Int, requests: Int)>
    ) -> ReceiverReport {
        var report = ReceiverReport(counts: [UInt8](repeating: 0, count: expected))
        var connections: [Int32: Connection] = [:]
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)

        func close(_ fd: Int32) {
            Glibc.close(fd)
            connections[fd] = nil
        }

        func flush(_ fd: Int32) {
            guard var connection = connections[fd], !connection.output.isEmpty else { return }
            let written = connection.output.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written > 0 { connection.output.removeFirst(written) }
            connections[fd] = connection
        }

        /// Answers every complete request in the buffer.
        func handle(_ fd: Int32) {
            guard var connection = connections[fd] else { return }
            while let request = parse(connection.input, from: connection.start) {
                if report.requests == 0 { report.first = ContinuousClock.now }
                report.requests += 1
                var fresh = 0
                if let number = request.id, number >= 0, number < expected {
                    if report.counts[number] == 0 { fresh = 1 }
                    if report.counts[number] < 255 { report.counts[number] += 1 }
                } else {
                    report.unknown += 1
                }
                progress.withLock {
                    $0.distinct += fresh
                    $0.requests += 1
                }
                connection.start = request.end
                connection.output += response
            }
            if connection.start > 0, connection.start == connection.input.count {
                connection.input.removeAll(keepingCapacity: true)
                connection.start = 0
            } else if connection.start > 1 << 20 {
                connection.input.removeFirst(connection.start)
                connection.start = 0
            }
            connections[fd] = connection
            flush(fd)
        }

        let readable = Int16(POLLIN)
        loop: while true {
            var fds = [pollfd(fd: stop, events: readable, revents: 0), pollfd(fd: listener, events: readable, revents: 0)]
            for (fd, connection) in connections {
                fds.append(pollfd(fd: fd, events: connection.output.isEmpty ? readable : readable | Int16(POLLOUT), revents: 0))
            }
            let count = poll(&fds, nfds_t(fds.count), -1)
            if count < 0 { if errno == EINTR { continue } else { break } }
            if fds[0].revents != 0 { break loop }
            if fds[1].revents & readable != 0 {
                while true {
                    let client = accept(listener, nil, nil)
                    if client < 0 { break }
                    _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
                    var one: Int32 = 1
                    setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    connections[client] = Connection()
                    report.connections += 1
                }
            }
            for entry in fds.dropFirst(2) where entry.revents != 0 {
                let fd = entry.fd
                if entry.revents & Int16(POLLOUT) != 0 { flush(fd) }
                if entry.revents & (readable | Int16(POLLHUP) | Int16(POLLERR)) != 0 {
                    var closed = false
                    while true {
                        let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                        if got > 0 {
                            connections[fd]?.input += chunk[0..<got]
                            if got < chunk.count { break }
                        } else {
                            if got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) { closed = true }
                            break
                        }
                    }
                    handle(fd)
                    if closed { close(fd) }
                }
            }
        }
        for fd in Array(connections.keys) { close(fd) }
        Glibc.close(listener)
        Glibc.close(stop)
        return report
    }

    /// One complete request in `buffer` from `start`: where it ends and the number in its
    /// `webhook-id: bench-<n>`, or nil while it is incomplete.
    private static func parse(_ buffer: [UInt8], from start: Int) -> (end: Int, id: Int?)? {
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var index = start
        var headerEnd = -1
        while index + 3 < buffer.count {
            if buffer[index] == cr, buffer[index + 1] == lf, buffer[index + 2] == cr, buffer[index + 3] == lf {
                headerEnd = index + 4
                break
            }
            index += 1
        }
        guard headerEnd > 0 else { return nil }
        var contentLength = 0
        var id: Int?
        var lineStart = start
        var position = start
        while position < headerEnd - 2 {
            if buffer[position] == cr {
                let line = buffer[lineStart..<position]
                if let value = headerValue(line, "content-length") {
                    contentLength = Int(String(decoding: value, as: UTF8.self)) ?? 0
                } else if let value = headerValue(line, "webhook-id") {
                    let text = String(decoding: value, as: UTF8.self)
                    if let mark = text.range(of: "bench-") { id = Int(text[mark.upperBound...].prefix { $0.isNumber }) }
                }
                lineStart = position + 2
                position += 2
            } else {
                position += 1
            }
        }
        guard buffer.count >= headerEnd + contentLength else { return nil }
        return (headerEnd + contentLength, id)
    }

    private static func headerValue(_ line: ArraySlice<UInt8>, _ name: String) -> ArraySlice<UInt8>? {
        let nameBytes = Array(name.utf8)
        guard line.count > nameBytes.count, line[line.startIndex + nameBytes.count] == UInt8(ascii: ":") else { return nil }
        for (offset, byte) in nameBytes.enumerated() where (line[line.startIndex + offset] | 0x20) != byte {
            return nil
        }
        var value = line[(line.startIndex + nameBytes.count + 1)...]
        while value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        return value
    }
}

public struct BenchError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
