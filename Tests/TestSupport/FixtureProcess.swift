public import Foundation
import Synchronization

/// A fixture script run with Debian's Python, which prints `PORT <n>` once it listens and
/// exits when its standard input closes, so it never outlives the test process.
public final class FixtureProcess: Sendable {
    public let port: Int
    private let process: Mutex<Process>
    private let stdin: FileHandle

    /// Starts `/usr/bin/python3 SCRIPT arguments…` and waits for its port. `fixtures` is the
    /// calling test target's Fixtures directory.
    public static func start(_ script: String, in fixtures: URL, _ arguments: [String] = []) async throws -> FixtureProcess {
        let path = fixtures.appendingPathComponent(script).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-W", "ignore", path] + arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        let line: String = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                while true {
                    let chunk = reader.readData(ofLength: 1)
                    if chunk.isEmpty {
                        continuation.resume(throwing: FixtureError("\(script) exited before printing its port"))
                        return
                    }
                    if chunk.first == UInt8(ascii: "\n") { break }
                    bytes += chunk
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            throw FixtureError("\(script) printed \(line) instead of its port")
        }
        return FixtureProcess(port: port, process: process, stdin: input.fileHandleForWriting)
    }

    private init(port: Int, process: sending Process, stdin: FileHandle) {
        self.port = port
        self.process = Mutex(process)
        self.stdin = stdin
    }

    public func stop() {
        try? stdin.close()
        process.withLock { process in
            if process.isRunning { process.terminate() }
        }
    }

    deinit {
        stop()
    }
}

/// A test fixture that did not behave.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
