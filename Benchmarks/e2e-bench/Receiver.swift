import BenchSupport
import Foundation
import Glibc

/// The webhook receiver a run delivers to: the benchmark's own poll(2) server, or the
/// Python `ThreadingHTTPServer` of scripts/bench-receiver.py (about 10,000 POSTs/s here).
enum ReceiverKind: String {
    case loopback, python
}

/// What a receiver saw of one run.
struct Received {
    var requests: Int
    var lost: Int
    var duplicated: Int
    var connections: Int?
    /// When the first request arrived (the benchmark's own receiver only).
    var first: ContinuousClock.Instant?
}

/// One receiver for one run: its port, the instant the expected messages had arrived, and
/// what it saw.
protocol BenchReceiver {
    var port: Int { get }
    /// When `expected` distinct messages (`distinct`), or that many requests, had arrived;
    /// nil when they had not by `deadline`.
    func waitDone(until deadline: ContinuousClock.Instant) -> ContinuousClock.Instant?
    func finish() -> Received
}

func makeReceiver(_ kind: ReceiverKind, expected: Int, distinct: Bool) throws -> any BenchReceiver {
    switch kind {
    case .loopback: try Loopback(expected: expected, distinct: distinct)
    case .python: try PythonReceiver(expected: expected, distinct: distinct)
    }
}

private struct Loopback: BenchReceiver {
    let receiver: LoopbackReceiver
    let expected: Int
    let distinct: Bool

    init(expected: Int, distinct: Bool) throws {
        receiver = try LoopbackReceiver(expected: expected)
        self.expected = expected
        self.distinct = distinct
    }

    var port: Int { receiver.port }

    func waitDone(until deadline: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        distinct ? receiver.wait(distinct: expected, until: deadline) : receiver.wait(requests: expected, until: deadline)
    }

    func finish() -> Received {
        let report = receiver.finish()
        return Received(requests: report.requests, lost: distinct ? report.lost : max(0, expected - report.requests),
                        duplicated: distinct ? report.duplicated : 0, connections: report.connections, first: report.first)
    }
}

/// scripts/bench-receiver.py as a process; it says `done` on standard output the moment the
/// last expected message arrives, and the benchmark notes the instant it reads that line.
private final class PythonReceiver: BenchReceiver, @unchecked Sendable {
    let port: Int
    private let process = Process()
    private let output = Pipe()
    private let expected: Int
    private let distinct: Bool
    private let lines = LineReader()

    init(expected: Int, distinct: Bool) throws {
        self.expected = expected
        self.distinct = distinct
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "scripts/bench-receiver.py", String(expected), distinct ? "distinct" : "requests"]
        process.standardOutput = output
        try process.run()
        lines.start(output.fileHandleForReading)
        guard let first = lines.next(until: .now + .seconds(10)), let port = Int(first.text) else {
            process.terminate()
            throw BenchError("scripts/bench-receiver.py did not start")
        }
        self.port = port
    }

    func waitDone(until deadline: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard let line = lines.next(until: deadline), line.text == "done" else { return nil }
        return line.at
    }

    func finish() -> Received {
        kill(process.processIdentifier, SIGTERM)
        let last = lines.next(until: .now + .seconds(10))?.text ?? ""
        process.waitUntilExit()
        // `requests R distinct D duplicated U`
        let words = last.split(separator: " ")
        func value(_ name: String) -> Int { words.firstIndex(of: Substring(name)).flatMap { Int(words[$0 + 1]) } ?? 0 }
        let requests = value("requests")
        return Received(requests: requests, lost: max(0, expected - (distinct ? value("distinct") : requests)),
                        duplicated: value("duplicated"), connections: nil)
    }
}

/// Lines of a pipe, each with the instant it was read.
private final class LineReader: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [(text: String, at: ContinuousClock.Instant)] = []

    func start(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                let at = ContinuousClock.now
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let text = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    condition.lock()
                    queue.append((text, at))
                    condition.broadcast()
                    condition.unlock()
                }
            }
        }
    }

    func next(until deadline: ContinuousClock.Instant) -> (text: String, at: ContinuousClock.Instant)? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty {
            let left = deadline - .now
            guard left > .zero else { return nil }
            _ = condition.wait(until: Date() + Double(left.components.seconds) + Double(left.components.attoseconds) * 1e-18)
        }
        return queue.removeFirst()
    }
}
