public import Delivery
import Foundation
public import SLAEngine
#if canImport(Glibc)
import Glibc
import Transport
#endif

/// The `log` channel: one JSON line per message, appended to a file. For the demo, for
/// piping into other tools, and as the sink tests read.
///
/// Each line has `at`, `channel`, `key`, `role`, `audience`, `urgent`, `tickets` (each
/// `{id, metric, cycle, step, due_at, ack_url, snooze_url}`), `subject` and `text` (and `to` for a customer notice).
public struct LogChannel: Notifier {
    public let channel: String
    public let path: String
    public var kind: ChannelKind { .log }

    public init(channel: String, path: String) {
        self.channel = channel
        self.path = path
    }

    /// Lines appended in one write: a burst of customer notices costs one open and one
    /// write per run of lines, not per line.
    public static let linesPerWrite = 256
    public var messagesPerAttempt: Int { LogChannel.linesPerWrite }

    public func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        await deliver([message])[0]
    }

    /// Appends one line per message, in their order, in one write; a message is delivered
    /// when its whole line was written.
    public func deliver(_ messages: [OutboundMessage]) async -> [DeliveryOutcome] {
        var text = ""
        var ends: [Int] = []
        ends.reserveCapacity(messages.count)
        for message in messages {
            text += LogChannel.line(for: message)
            text += "\n"
            ends.append(text.utf8.count)
        }
        let written = append(text)
        return zip(messages, ends).map { message, end in
            switch written {
            case .success(let count) where count >= end:
                DeliveryOutcome(key: message.key, channel: channel, kind: .log, status: .delivered, attempts: 1)
            case .success:
                failed(message, "short write")
            case .failure(let why):
                failed(message, why.text)
            }
        }
    }

    private struct Failure: Error {
        var text: String
    }

    private func failed(_ message: OutboundMessage, _ why: String) -> DeliveryOutcome {
        DeliveryOutcome(
            key: message.key, channel: channel, kind: .log, status: .failed, attempts: 1,
            error: DeliveryError(code: .connection, recoverable: true, message: "\(path): \(why); check the directory and its permissions")
        )
    }

    /// Appends `text` to the file in one write, making its directory when it is missing;
    /// the bytes of `text` written.
    private func append(_ text: String) -> Result<Int, Failure> {
        // Read as well as write: the last byte is read back to find a line cut short.
        var fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        // The directory is made when it is missing, not looked for before every write.
        if fd < 0 && errno == ENOENT {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
            }
        }
        guard fd >= 0 else { return .failure(Failure(text: String(cString: strerror(errno)))) }
        defer { close(fd) }
        // A line cut short by a kill mid-write (its message was never recorded as delivered,
        // so it is sent again) is closed first, so it never runs into the next line.
        var info = stat()
        var last: UInt8 = 0
        let torn = fstat(fd, &info) == 0 && info.st_size > 0 && pread(fd, &last, 1, info.st_size - 1) == 1 && last != 0x0A
        // One write of all the lines under O_APPEND: lines from concurrent writers never interleave.
        let written = (torn ? "\n" + text : text).utf8CString.withUnsafeBufferPointer { buffer in
            write(fd, buffer.baseAddress, buffer.count - 1)
        }
        guard written >= 0 else { return .failure(Failure(text: String(cString: strerror(errno)))) }
        return .success(written - (torn ? 1 : 0))
    }

    /// The JSON line for a message, keys in a stable order.
    static func line(for message: OutboundMessage) -> String {
        var fields: JSONObject = [
            ("at", .string(Timestamp(message.createdAt).description)),
            ("channel", .string(message.channel)),
            ("key", .string(message.key)),
            ("role", message.role.map { .string($0) } ?? .null),
            ("audience", .string(message.audience.rawValue)),
            ("urgent", .bool(message.isUrgent)),
            ("tickets", .array(message.tickets.map { ticket in
                var item: JSONObject = [
                    ("id", .string(ticket.id)),
                    ("source", .string(ticket.source)),
                    ("metric", ticket.metric.map { .string($0.rawValue) } ?? .null),
                    ("cycle", .int(ticket.cycle)),
                    ("step", .string(ticket.step)),
                    ("due_at", ticket.dueAt.map { .string(Timestamp($0).description) } ?? .null),
                    ("ack_url", ticket.ackURL.map { .string($0) } ?? .null),
                    ("snooze_url", ticket.snoozeURL.map { .string($0) } ?? .null),
                ]
                if let risk = ticket.risk { item["risk"] = .string(risk.rawValue) }
                return .object(item)
            })),
            ("subject", .string(message.subject)),
            ("text", .string(message.text)),
        ]
        if !message.recipients.isEmpty { fields["to"] = .array(message.recipients.map { .string($0) }) }
        return JSONValue.object(fields).serialized()
    }
}
