// e2e-bench: the daemon's real path, end to end. N tickets breached at once, one webhook
// message each (`digest: false`), from `slawatch run` as a process to a loopback keep-alive
// receiver; timed from process start to the last message received, with the process's peak
// RSS. Beside it, Prometheus Alertmanager 0.25 (Debian's, unpacked by scripts/alertmanager.sh)
// on the same receiver: one alert per group, timed from its start to the last notification.
//
//   swift build -c release --static-swift-stdlib --product e2e-bench --product slawatch  (as `make bench`)
//   .build/release/e2e-bench [--counts 1000,5000,20000] [--runs 3] [--slawatch .build/release/slawatch]
//                            [--alertmanager "$(scripts/alertmanager.sh)"] [--receiver loopback|python] [--each]
//
// `--each` prints every slawatch run as it ends (when its first message came, its tick's
// phases), not only the median: a slow run shows whether the tick or the start was late.
// `--receiver python` delivers to scripts/bench-receiver.py, a Python ThreadingHTTPServer
// (keep-alive; about 10,000 POSTs/s here) instead of the benchmark's own poll(2) server.

import BenchSupport
import Transport
import Foundation
import Glibc

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

let counts = (option("--counts") ?? "1000,5000,20000").split(separator: ",").compactMap { Int($0) }
let runs = Int(option("--runs") ?? "3") ?? 3
/// The binary, absolute: each run starts it from its own scratch directory.
let slawatch = URL(fileURLWithPath: option("--slawatch") ?? ".build/release/slawatch").path
let alertmanager = option("--alertmanager") ?? ".build/alertmanager/usr/bin/prometheus-alertmanager"
guard let receiverKind = ReceiverKind(rawValue: option("--receiver") ?? "loopback") else {
    print("--receiver: loopback or python")
    exit(64)
}

/// One measured run: seconds from start to the last message, the process's peak RSS, and
/// whether every message arrived exactly once (slawatch) or at least once (Alertmanager).
struct Run {
    var seconds: Double
    var peakMiB: Double
    var note: String
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// The peak resident set of a running process, from /proc.
func peakMiB(of pid: Int32) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return .nan }
    return kib / 1024
}

func scratch(_ name: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-bench-\(name)-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

func launch(_ path: String, _ arguments: [String], in directory: URL) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
    process.standardError = try FileHandle(forWritingTo: directory.appendingPathComponent("stderr.log").creatingFile())
    try process.run()
    return process
}

extension URL {
    func creatingFile() throws -> URL {
        FileManager.default.createFile(atPath: path, contents: nil)
        return self
    }
}

func stop(_ process: Process) {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
}

func runSlawatch(count: Int) throws -> Run {
    let directory = try scratch("slawatch")
    defer { try? FileManager.default.removeItem(at: directory) }
    let receiver = try makeReceiver(receiverKind, expected: count, distinct: true)
    let created = ISO8601DateFormatter().string(from: Date() - 7200)
    let tickets = (0..<count).map {
        #"{"id": "bench-\#($0)", "subject": "Payment gateway rejects cards", "status": "open", "priority": "high", "customer": {"id": "c\#($0 % 500)"}, "created_at": "\#(created)"}"#
    }
    try ("[\n" + tickets.joined(separator: ",\n") + "\n]\n").write(to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
    try """
        state: state.db
        poll_interval: 60s
        listen: 127.0.0.1:0
        sources:
          - { name: desk, type: file, path: tickets.json }
        policies:
          - name: all
            targets: { any: { first_response: 1h } }
        teams:
          default: { manager: [hooks] }
        ladders:
          default:
            - { at: breach, notify: manager }
        channels:
          hooks: { type: webhook, url: "http://127.0.0.1:\(receiver.port)/hooks/bench", digest: false }
        """.write(to: directory.appendingPathComponent("slawatch.yaml"), atomically: true, encoding: .utf8)
    let start = ContinuousClock.now
    let process = try launch(slawatch, ["run", "--config", "slawatch.yaml"], in: directory)
    let done = receiver.waitDone(until: start + .seconds(120))
    let peak = peakMiB(of: process.processIdentifier)
    usleep(200_000)  // anything sent twice would arrive by now
    stop(process)
    let report = receiver.finish()
    guard let done else { throw BenchError("slawatch: \(report.lost) of \(count) never arrived") }
    // The daemon's own account: the tick's phases.
    let log = (try? String(contentsOf: directory.appendingPathComponent("stderr.log"), encoding: .utf8)) ?? ""
    let phases = log.split(separator: "\n").first { $0.contains(" tick ") }.flatMap { line in
        line.range(of: "phases=").map { String(line[$0.upperBound...].prefix { $0 != "\"" || true }.split(separator: "\"")[0]) }
    } ?? "?"
    return Run(seconds: seconds(done - start), peakMiB: peak,
               note: "lost \(report.lost), duplicated \(report.duplicated), \(report.connections.map { "\($0)" } ?? "?") connections; "
                   + (report.first.map { String(format: "first message at %.3f s; ", seconds($0 - start)) } ?? "") + "tick \(phases)")
}

func runAlertmanager(count: Int) throws -> Run {
    let directory = try scratch("alertmanager")
    defer { try? FileManager.default.removeItem(at: directory) }
    let receiver = try makeReceiver(receiverKind, expected: count, distinct: false)
    let port = 19093
    try """
        route:
          receiver: hook
          group_by: [ticket]
          group_wait: 0s
          group_interval: 1m
          repeat_interval: 1h
        receivers:
          - name: hook
            webhook_configs:
              - url: http://127.0.0.1:\(receiver.port)/alertmanager
                send_resolved: false
        """.write(to: directory.appendingPathComponent("alertmanager.yml"), atomically: true, encoding: .utf8)
    let transport = try CurlTransport()
    defer { transport.shutdown() }
    let start = ContinuousClock.now
    let process = try launch(alertmanager, [
        "--config.file=alertmanager.yml", "--storage.path=data", "--web.listen-address=127.0.0.1:\(port)",
        "--cluster.listen-address=", "--log.level=warn",
    ], in: directory)
    defer { stop(process) }
    let base = "http://127.0.0.1:\(port)"
    let semaphore = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var failure: (any Error)?
    Task {
        do {
            // Ready, then every alert posted in batches, as a rule evaluator would.
            while (try? await transport.send(HTTPRequest(method: .get, url: Secret(base + "/-/ready"))))?.status != 200 {
                guard process.isRunning, ContinuousClock.now < start + .seconds(30) else {
                    let log = (try? String(contentsOf: directory.appendingPathComponent("stderr.log"), encoding: .utf8)) ?? ""
                    throw BenchError("alertmanager did not become ready: \(log.suffix(500))")
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            let now = ISO8601DateFormatter().string(from: Date())
            for batch in stride(from: 0, to: count, by: 1000) {
                let alerts = (batch..<min(batch + 1000, count)).map {
                    #"{"labels": {"alertname": "SLABreach", "ticket": "bench-\#($0)"}, "annotations": {"summary": "Payment gateway rejects cards"}, "startsAt": "\#(now)"}"#
                }
                let response = try await transport.send(HTTPRequest(
                    method: .post, url: Secret(base + "/api/v2/alerts"), headers: [HTTPHeader("Content-Type", "application/json")],
                    body: Data(("[" + alerts.joined(separator: ",") + "]").utf8)))
                guard response.status == 200 else { throw BenchError("alertmanager answered \(response.status) to the alerts") }
            }
        } catch {
            failure = error
        }
        semaphore.signal()
    }
    semaphore.wait()
    if let failure { throw failure }
    let done = receiver.waitDone(until: start + .seconds(120))
    let peak = peakMiB(of: process.processIdentifier)
    let report = receiver.finish()
    guard let done else { throw BenchError("alertmanager: \(report.requests) of \(count) notifications arrived") }
    return Run(seconds: seconds(done - start), peakMiB: peak, note: "\(report.requests) notifications")
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let haveAlertmanager = FileManager.default.isExecutableFile(atPath: alertmanager)
print("e2e-bench: N tickets breached at once, one webhook message each, process start to last message received by the \(receiverKind.rawValue) receiver; median of \(runs) runs")
if !haveAlertmanager { print("(no \(alertmanager): Alertmanager not measured; scripts/alertmanager.sh unpacks it)") }
for count in counts {
    var ours: [Run] = []
    var theirs: [Run] = []
    for _ in 0..<runs {
        ours.append(try runSlawatch(count: count))
        if CommandLine.arguments.contains("--each") { print(String(format: "  slawatch run %.2f s: %@", ours.last!.seconds, ours.last!.note)) }
        if haveAlertmanager { theirs.append(try runAlertmanager(count: count)) }
    }
    let s = median(ours.map(\.seconds))
    var line = String(format: "N=%6d  slawatch %.2f s (%.0f msgs/s, peak RSS %.0f MiB; runs %@; %@)", count, s, Double(count) / s,
                      median(ours.map(\.peakMiB)), ours.map { String(format: "%.2f", $0.seconds) }.joined(separator: " "),
                      ours.last!.note)
    if haveAlertmanager {
        let a = median(theirs.map(\.seconds))
        line += String(format: "\n          alertmanager %.2f s (%.0f msgs/s, peak RSS %.0f MiB; runs %@)  slawatch is %.2fx as fast",
                       a, Double(count) / a, median(theirs.map(\.peakMiB)), theirs.map { String(format: "%.2f", $0.seconds) }.joined(separator: " "), a / s)
    }
    print(line)
}
