import Foundation
public import SLAEngine
import Synchronization

/// Tickets in the canonical format from a file: a JSON array or JSON Lines.
///
/// The file is read anew on every poll. A record that does not decode is reported with
/// its line and skipped; the others still count.
public struct FileSource: TicketSource {
    public let name: String
    public let path: String
    public let mapping: CanonicalMapping

    public init(name: String, path: String, mapping: CanonicalMapping = .identity) {
        self.name = name
        self.path = path
        self.mapping = mapping
    }

    /// Why the file as a whole could not be read.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public func poll() async throws -> TicketBatch {
        try read()
    }

    /// Reads and decodes the file now.
    public func read() throws(ReadError) -> TicketBatch {
        guard let bytes = contents(of: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw ReadError(description: "\(path): this is a directory; name the tickets file in it")
            }
            throw ReadError(description: "\(path): cannot read the tickets file; check that it exists and is readable")
        }
        return try decode(bytes)
    }

    /// Decodes the contents of a tickets file.
    ///
    /// Records are read by `TicketRecordReader`, and by `JSONDecoder` when it cannot say
    /// (so a bad record is described by `JSONDecoder`); a large file is read in parts on
    /// every core, the tickets and problems kept in file order. A JSON array whose
    /// structure is broken is a `ReadError` naming the line: a poll of it fails, as a poll
    /// of a missing file does, so the daemon does not take every ticket for gone (say,
    /// while a writer has not finished rewriting the file).
    public func decode(_ bytes: [UInt8]) throws(ReadError) -> TicketBatch {
        let records: [JSONRecords.Record]
        do {
            records = try JSONRecords.split(bytes)
        } catch {
            throw ReadError(description: "\(path):\(error.line): \(error.message); no ticket of the file was read")
        }
        let partSize = 2048
        let parts = (records.count + partSize - 1) / partSize
        guard parts > 1 else { return decode(records[...], of: bytes) }
        let batches = Mutex([TicketBatch](repeating: TicketBatch(tickets: []), count: parts))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = (part * partSize)..<min(records.count, (part + 1) * partSize)
            let read = decode(records[range], of: bytes)
            batches.withLock { $0[part] = read }
        }
        var batch = TicketBatch(tickets: [])
        batch.tickets.reserveCapacity(records.count)
        var lines: [Int32] = []
        lines.reserveCapacity(records.count)
        for part in batches.withLock({ $0 }) {
            batch.tickets += part.tickets
            batch.problems += part.problems
            lines += part.recordLines ?? []
        }
        batch.recordLines = lines
        batch.file = path
        return batch
    }

    private func decode(_ records: ArraySlice<JSONRecords.Record>, of bytes: [UInt8]) -> TicketBatch {
        let reader = TicketRecordReader(mapping: mapping)
        var decoder: JSONDecoder?
        var batch = TicketBatch(tickets: [])
        batch.tickets.reserveCapacity(records.count)
        var lines: [Int32] = []
        lines.reserveCapacity(records.count)
        // One check of the whole part, record by record only when it finds a bad byte.
        let checkEach = records.first.map { JSONRecords.invalidUTF8(in: $0.bytes.startIndex..<records.last!.bytes.endIndex, of: bytes) } ?? false
        for record in records {
            if checkEach, let bad = JSONRecords.invalidUTF8(in: record, of: bytes) {
                batch.problems.append(RecordProblem(
                    source: name, location: "\(path):\(bad.line)",
                    message: "byte 0x\(String(bad.byte, radix: 16, uppercase: true)) at line \(bad.line), column \(bad.column) "
                        + "is not UTF-8; save the file as UTF-8 text"))
                continue
            }
            let read = bytes.withUnsafeBufferPointer { reader.ticket(in: UnsafeBufferPointer(rebasing: $0[record.bytes.indices])) }
            if let read {
                batch.tickets.append(read)
                lines.append(Int32(clamping: record.line))
                continue
            }
            let data = Data(record.bytes)
            do {
                if decoder == nil {
                    decoder = JSONDecoder()
                    decoder?.userInfo[.canonicalMapping] = mapping
                }
                batch.tickets.append(try decoder!.decode(Ticket.self, from: data))
                lines.append(Int32(clamping: record.line))
            } catch {
                batch.problems.append(RecordProblem(
                    source: name, location: "\(path):\(record.line)",
                    recordID: FileSource.recordID(in: data), message: FileSource.describe(error)
                ))
            }
        }
        batch.recordLines = lines
        batch.file = path
        return batch
    }

    /// The record's `id`, if the record is at least a JSON object that has one.
    static func recordID(in data: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        switch object["id"] {
        case let id as String: return id
        case let id as NSNumber: return id.stringValue
        default: return nil
        }
    }

    /// A decoding error in one line: the field and what is wrong with it.
    static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingPrefix(".").description
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            let parent = path(context.codingPath)
            return "\(parent.isEmpty ? "" : parent + ": ")missing \"\(key.stringValue)\""
        case .typeMismatch(let type, let context)?:
            let at = path(context.codingPath)
            // The record itself: not a field of it.
            if at.isEmpty { return "the record is not a JSON object; write each ticket as {\"id\": …, \"created_at\": …}" }
            return "\(at): expected \(typeName(type))"
        case .valueNotFound(let type, let context)?:
            let at = path(context.codingPath)
            if at.isEmpty { return "the record is null; write each ticket as {\"id\": …, \"created_at\": …}" }
            return "\(at): expected \(typeName(type)), found null"
        case .dataCorrupted(let context)?:
            if context.codingPath.isEmpty { return "not a JSON object: \(context.underlyingError.map { "\($0)" } ?? context.debugDescription)" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        case is [String: Any].Type: "an object"
        default: "\(type)"
        }
    }
}

/// The file's bytes, read straight into an array; nil when it cannot be read.
private func contents(of path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0, status.st_mode & S_IFMT != S_IFDIR else { return nil }
    // A regular file's size is known; a pipe or a device (/dev/stdin, /dev/null) is read to its end.
    var bytes = [UInt8](repeating: 0, count: status.st_mode & S_IFMT == S_IFREG ? Int(status.st_size) : 0)
    var count = 0
    while true {
        if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: 65_536)) }
        let got = bytes.withUnsafeMutableBytes { buffer -> Int in read(fd, buffer.baseAddress! + count, buffer.count - count) }
        if got < 0 && errno == EINTR { continue }
        guard got >= 0 else { return nil }
        if got == 0 { break }
        count += got
    }
    bytes.removeLast(bytes.count - count)
    return bytes
}
