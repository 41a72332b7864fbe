// delivery-bench: signed webhook deliveries per second through the real curl transport to a
// loopback HTTP/1.1 keep-alive receiver, checking that every message id arrived exactly once.
// The transport alone (one attempt per message, no outbox, no tick): not a figure for the daemon.
//
//   swift build -c release --static-swift-stdlib --product delivery-bench  (as `make bench`)
//   .build/release/delivery-bench [--messages 20000] [--in-flight 256] [--connections 16]

import BenchSupport
import Delivery
import Foundation
import Glibc
import SLAEngine
import Transport

func option(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else {
        return fallback
    }
    return value
}

let messages = option("--messages", 20_000)
let inFlight = option("--in-flight", 256)
let connections = option("--connections", 16)

let receiver = try LoopbackReceiver(expected: messages)
let transport = try CurlTransport(
    settings: TransportSettings(maxConnectionsPerHost: connections, maxConnections: connections))
let encoder = try WebhookEncoder(
    url: Secret("http://127.0.0.1:\(receiver.port)/hooks/bench-token"),
    signer: WebhookSigner(secret: Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")))
let notifier = HTTPNotifier(
    channel: "bench", encoder: encoder, transport: transport,
    policy: ChannelPolicy(timeout: 30))
let created = Date()

func message(_ number: Int) -> OutboundMessage {
    OutboundMessage(
        key: "bench-\(number)", channel: "bench", role: "lead", isUrgent: number % 10 == 0,
        subject: "SLA warning: T-\(number) first response due in 15m",
        text: "Ticket T-\(number) needs a first response.\nDue in 15 minutes.",
        tickets: [
            MessageTicket(
                id: "T-\(number)", subject: "Payment gateway rejects cards", url: "https://help.example.com/t/\(number)",
                metric: .firstResponse, cycle: 1, step: "75%", dueAt: created.addingTimeInterval(900))
        ],
        createdAt: created)
}

print("delivery-bench: \(messages) signed webhook messages, \(inFlight) in flight, \(connections) connections, loopback keep-alive")
let started = ContinuousClock.now
var delivered = 0
var failed: [String: Int] = [:]
await withTaskGroup(of: DeliveryOutcome.self) { group in
    var next = 0
    while next < min(inFlight, messages) {
        let number = next
        group.addTask { await notifier.deliver(message(number)) }
        next += 1
    }
    for await outcome in group {
        if outcome.status == .delivered { delivered += 1 } else { failed[outcome.error?.label ?? outcome.status.rawValue, default: 0] += 1 }
        if next < messages {
            let number = next
            group.addTask { await notifier.deliver(message(number)) }
            next += 1
        }
    }
}
let elapsed = ContinuousClock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
let report = receiver.finish()
transport.shutdown()

var usage = rusage()
getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
let lost = report.lost
let duplicated = report.duplicated
print(String(format: "delivered %d/%d in %.2f s: %.0f msgs/s", delivered, messages, seconds, Double(delivered) / seconds))
print("receiver: \(report.requests) requests on \(report.connections) connections; lost \(lost), duplicated \(duplicated), unknown \(report.unknown)")
print("failures \(failed.isEmpty ? "none" : failed.description)")
print(String(format: "peak RSS %.1f MiB", Double(usage.ru_maxrss) / 1024))
if lost > 0 || duplicated > 0 || report.unknown > 0 || delivered != messages {
    print("FAILED: every message must arrive exactly once")
    exit(1)
}
