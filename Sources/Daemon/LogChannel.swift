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
        var lines = JSONWriter()
        lines.reserveCapacity(messages.count * 1024)
        var ends: [Int] = []
        ends.reserveCapacity(messages.count)
        for message in messages {
            LogChannel.write(message, to: &lines)
            lines.endLine()
            ends.append(lines.bytes.count)
        }
        let written = append(lines.take())
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

    /// Appends `bytes` to the file in one write, making its directory when it is missing;
    /// how many of them were written.
    private func append(_ bytes: [UInt8]) -> Result<Int, Failure> {
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
        let written = (torn ? [0x0A] + bytes : bytes).withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written >= 0 else { return .failure(Failure(text: String(cString: strerror(errno)))) }
        return .success(written - (torn ? 1 : 0))
    }

    /// The JSON line for a message, keys in a stable order.
    static func line(for message: OutboundMessage) -> String {
        var writer = JSONWriter()
        write(message, to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Writes a message's line, without its end, straight into `writer`: no value is built
    /// for it first (building one was about half of a line's cost).
    static func write(_ message: OutboundMessage, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key(Keys.at)
        writer.string(Timestamp(message.createdAt).description)
        writer.key(Keys.channel)
        writer.string(message.channel)
        writer.key(Keys.key)
        writer.string(message.key)
        writer.key(Keys.role)
        writer.optional(message.role)
        writer.key(Keys.audience)
        writer.string(message.audience.rawValue)
        writer.key(Keys.urgent)
        writer.bool(message.isUrgent)
        writer.key(Keys.tickets)
        writer.beginArray()
        for ticket in message.tickets {
            writer.beginObject()
            writer.key(Keys.id)
            writer.string(ticket.id)
            writer.key(Keys.source)
            writer.string(ticket.source)
            writer.key(Keys.metric)
            writer.optional(ticket.metric?.rawValue)
            writer.key(Keys.cycle)
            writer.int(ticket.cycle)
            writer.key(Keys.step)
            writer.string(ticket.step)
            writer.key(Keys.dueAt)
            writer.optional(ticket.dueAt.map { Timestamp($0).description })
            writer.key(Keys.ackURL)
            writer.optional(ticket.ackURL)
            writer.key(Keys.snoozeURL)
            writer.optional(ticket.snoozeURL)
            if let risk = ticket.risk {
                writer.key(Keys.risk)
                writer.string(risk.rawValue)
            }
            writer.endObject()
        }
        writer.endArray()
        writer.key(Keys.subject)
        writer.string(message.subject)
        writer.key(Keys.text)
        writer.string(message.text)
        if !message.recipients.isEmpty {
            writer.key(Keys.to)
            writer.beginArray()
            for recipient in message.recipients { writer.string(recipient) }
            writer.endArray()
        }
        writer.endObject()
    }

    /// The line's keys, quoted once.
    private enum Keys {
        static let at = JSONWriter.Key("at"), channel = JSONWriter.Key("channel"), key = JSONWriter.Key("key")
        static let role = JSONWriter.Key("role"), audience = JSONWriter.Key("audience"), urgent = JSONWriter.Key("urgent")
        static let tickets = JSONWriter.Key("tickets"), id = JSONWriter.Key("id"), source = JSONWriter.Key("source")
        static let metric = JSONWriter.Key("metric"), cycle = JSONWriter.Key("cycle"), step = JSONWriter.Key("step")
        static let dueAt = JSONWriter.Key("due_at"), ackURL = JSONWriter.Key("ack_url"), snoozeURL = JSONWriter.Key("snooze_url")
        static let risk = JSONWriter.Key("risk"), subject = JSONWriter.Key("subject"), text = JSONWriter.Key("text")
        static let to = JSONWriter.Key("to")
    }
}
