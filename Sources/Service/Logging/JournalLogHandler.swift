public import Foundation
import Glibc
public import Logging

/// A swift-log `LogHandler` that writes one line per event to standard error, shaped for
/// journald when systemd runs slawatch and for people otherwise.
///
/// Under systemd (`JOURNAL_STREAM` set and naming the stream standard error is) a line is
/// `<6>message key=value …`: the syslog priority in angle brackets, which journald turns
/// into the entry's `PRIORITY=`, and no timestamp, since journald stamps every entry.
/// Otherwise a line is `2026-11-20T16:05:00.123Z info message key=value …` (UTC).
///
/// Metadata, the handler's, the provider's and the event's (later wins), follows the
/// message as `key=value` pairs sorted by key; a value that is empty or holds a space, a
/// quote, `=`, `\` or a control character is quoted and escaped (`\"`, `\\`, `\n`, `\t`,
/// `\u{1B}`). Newlines in the message are escaped too: an event is never more than one
/// line. An event's error, when there is one and no `error` key, is added as `error`.
/// The logger's label is not printed; components tell themselves apart by metadata.
///
/// Priorities: trace and debug 7, info 6, notice 5, warning 4, error 3, critical 2.
///
/// ```swift
/// LoggingSystem.bootstrap { label in
///     var handler = JournalLogHandler(label: label)
///     handler.logLevel = .info
///     return handler
/// }
/// ```
public struct JournalLogHandler: LogHandler {
    /// The line shape.
    public enum Style: Sendable, Hashable {
        /// `<N>message key=value`, for journald.
        case journal
        /// `TIMESTAMP LEVEL message key=value`, for a terminal or a file.
        case console
    }

    /// The shape this handler writes, decided at `init`.
    public let style: Style
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let output: Output
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - label: the logger's label (unused in the line; required by `LoggingSystem`).
    ///   - environment: where `JOURNAL_STREAM` is looked up; tests pass their own.
    ///   - output: where lines go; standard error unless a test captures them.
    ///   - now: the clock for console timestamps.
    public init(
        label: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        output: Output = .standardError,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.style = Self.style(journalStream: environment["JOURNAL_STREAM"], output: output)
        self.output = output
        self.metadataProvider = metadataProvider
        self.now = now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() {
            merged.merge(provided) { _, new in new }
        }
        if let own = event.metadata {
            merged.merge(own) { _, new in new }
        }
        if let error = event.error, merged["error"] == nil {
            merged["error"] = "\(error)"
        }
        output.write(line(level: event.level, message: event.message.description, metadata: merged))
    }

    /// One event as a line, newline included.
    func line(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var line: String
        switch style {
        case .journal:
            line = "<\(Self.priority(level))>"
        case .console:
            line = Self.timestamp(now()) + " " + level.rawValue + " "
        }
        line += LogfmtText.message(message)
        for key in metadata.keys.sorted() {
            line += " " + LogfmtText.key(key) + "=" + LogfmtText.value(Self.flatten(metadata[key]!))
        }
        line += "\n"
        return line
    }

    /// The syslog priority journald reads from a `<N>` prefix.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// `.journal` when `JOURNAL_STREAM` is set and, for an output that knows its stream's
    /// device and inode, names that stream (a redirected standard error is not the journal).
    static func style(journalStream: String?, output: Output) -> Style {
        guard let journalStream, !journalStream.isEmpty else { return .console }
        guard let identity = output.streamIdentity else { return .journal }
        let parts = journalStream.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return .console }
        return identity.device == device && identity.inode == inode ? .journal : .console
    }

    /// `2026-11-20T16:05:00.123Z`.
    static func timestamp(_ date: Date) -> String {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(totalMillis >= 0 ? totalMillis / 1000 : (totalMillis - 999) / 1000)
        let millis = Int(totalMillis - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(parts.tm_year + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2)
            + "T" + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2)
            + "." + pad(Int32(millis), 3) + "Z"
    }

    private static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let items): "[" + items.map(flatten).joined(separator: ", ") + "]"
        case .dictionary(let entries):
            "[" + entries.keys.sorted().map { "\($0): \(flatten(entries[$0]!))" }.joined(separator: ", ") + "]"
        }
    }
}
