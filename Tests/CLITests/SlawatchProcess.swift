import Foundation
import Synchronization

/// Runs the real `slawatch` binary (and other tools) and captures what they print.
struct SlawatchProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The binary under test: `SLAWATCH_BINARY` when set (a release build), else the debug
    /// binary beside the test bundle (both live in the build directory).
    static let binary: URL = {
        if let chosen = ProcessInfo.processInfo.environment["SLAWATCH_BINARY"], !chosen.isEmpty {
            return URL(fileURLWithPath: chosen).standardized
        }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [beside, beside.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("slawatch")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../.build/debug/slawatch").standardized
    }()

    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
    }

    /// Runs `slawatch` to its end, or kills it with SIGKILL after `killAfter`.
    static func run(_ arguments: [String], environment: [String: String] = [:], killAfter: Duration? = nil) throws -> Result {
        try runTool(binary.path, arguments, environment: environment, killAfter: killAfter)
    }

    static func runTool(
        _ path: String, _ arguments: [String], environment: [String: String] = [:], killAfter: Duration? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        if let killAfter {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(killAfter.components.seconds * 1000
                + killAfter.components.attoseconds / 1_000_000_000_000_000))) {
                // Not once it has ended: its pid may be another process's by then.
                if process.isRunning { kill(pid, SIGKILL) }
            }
        }
        // Read both pipes to the end before waiting, so a large output cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self)
        )
    }

    /// Starts a process that keeps running; the caller terminates it.
    static func start(_ path: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        try Running(path: path, arguments: arguments, environment: environment)
    }

    /// A process in the background whose output is collected as it comes.
    final class Running: Sendable {
        enum Stream { case stdout, stderr }
        let process: Process
        private let input: Pipe
        private let output = Output()

        /// What the process printed so far, as bytes (a character may arrive in two pieces),
        /// and how many of its two streams have ended.
        final class Output: Sendable {
            let text = Mutex<(stdout: Data, stderr: Data, ended: Int)>((Data(), Data(), 0))
        }

        init(path: String, arguments: [String], environment: [String: String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            var env = ProcessInfo.processInfo.environment
            env.merge(environment) { $1 }
            process.environment = env
            let out = Pipe(), err = Pipe(), input = Pipe()
            process.standardOutput = out
            process.standardError = err
            // Held open while the process runs: fixtures that exit when their input closes stay up.
            process.standardInput = input
            self.input = input
            self.process = process
            out.fileHandleForReading.readabilityHandler = { [output] handle in
                let data = handle.availableData
                if data.isEmpty { handle.readabilityHandler = nil }
                output.text.withLock {
                    $0.stdout += data
                    if data.isEmpty { $0.ended += 1 }
                }
            }
            err.fileHandleForReading.readabilityHandler = { [output] handle in
                let data = handle.availableData
                if data.isEmpty { handle.readabilityHandler = nil }
                output.text.withLock {
                    $0.stderr += data
                    if data.isEmpty { $0.ended += 1 }
                }
            }
            try process.run()
        }

        var stdout: String { String(decoding: output.text.withLock { $0.stdout }, as: UTF8.self) }
        var stderr: String { String(decoding: output.text.withLock { $0.stderr }, as: UTF8.self) }

        /// Waits (up to `timeout`) until a whole line containing `text` has been printed: a
        /// line arrives in pieces when its writer writes it so (`PORT`, then the number).
        @discardableResult
        func waitForLine(containing text: String, stream: Stream = .stdout, timeout: Duration = .seconds(20)) -> Bool {
            let deadline = ContinuousClock.now + timeout
            func wholeLines() -> Substring {
                let seen = stream == .stdout ? stdout : stderr
                return seen[..<(seen.lastIndex(of: "\n") ?? seen.startIndex)]
            }
            while ContinuousClock.now < deadline {
                if wholeLines().contains(text) { return true }
                if !process.isRunning {
                    awaitEndOfOutput()
                    return (stream == .stdout ? stdout : stderr).contains(text)
                }
                usleep(20_000)
            }
            return false
        }

        /// What an ended process printed last is read after it exits: waits (up to 5 s)
        /// until both of its streams have been read to their end.
        private func awaitEndOfOutput() {
            let deadline = ContinuousClock.now + .seconds(5)
            while output.text.withLock({ $0.ended }) < 2 && ContinuousClock.now < deadline { usleep(10_000) }
        }

        /// Sends `signal` and waits for the process to end; returns its exit status.
        @discardableResult
        func terminate(_ signal: Int32 = SIGTERM) -> Int32 {
            if process.isRunning { kill(process.processIdentifier, signal) }
            process.waitUntilExit()
            awaitEndOfOutput()
            return process.terminationStatus
        }
    }
}

/// Longer trials under `make soak` (`SLAWATCH_SOAK` set); `make test` keeps its time budget.
enum Soak {
    static var on: Bool { ProcessInfo.processInfo.environment["SLAWATCH_SOAK"] != nil }
    /// `short` in `make test`, `long` in `make soak`.
    static func pick<T>(_ short: T, soak long: T) -> T { on ? long : short }
}
