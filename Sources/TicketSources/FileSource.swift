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
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(description: "\(path): cannot read the tickets file; check that it exists and is readable")
        }
        return decode(Array(data))
    }

    /// Decodes the contents of a tickets file.
    ///
    /// Records are read by `TicketRecordReader`, and by `JSONDecoder` when it cannot say
    /// (so a bad record is described by `JSONDecoder`); a large file is read in parts on
    /// every core, the tickets and problems kept in file order.
    public func decode(_ bytes: [UInt8]) -> TicketBatch {
        let records: [JSONRecords.Record]
        do {
            records = try JSONRecords.split(bytes)
        } catch {
            return TicketBatch(tickets: [], problems: [
                RecordProblem(source: name, location: "\(path):\(error.line)", message: error.message),
            ])
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
        for part in batches.withLock({ $0 }) {
            batch.tickets += part.tickets
            batch.problems += part.problems
        }
        return batch
    }

    private func decode(_ records: ArraySlice<JSONRecords.Record>, of bytes: [UInt8]) -> TicketBatch {
        let reader = TicketRecordReader(mapping: mapping)
        var decoder: JSONDecoder?
        var batch = TicketBatch(tickets: [])
        batch.tickets.reserveCapacity(records.count)
        for record in records {
            if let bad = JSONRecords.invalidUTF8(in: record, of: bytes) {
                batch.problems.append(RecordProblem(
                    source: name, location: "\(path):\(bad.line)",
                    message: "byte 0x\(String(bad.byte, radix: 16, uppercase: true)) at line \(bad.line), column \(bad.column) "
                        + "is not UTF-8; save the file as UTF-8 text"))
                continue
            }
            let read = bytes.withUnsafeBufferPointer { reader.ticket(in: UnsafeBufferPointer(rebasing: $0[record.bytes.indices])) }
            if let read {
                batch.tickets.append(read)
                continue
            }
            let data = Data(record.bytes)
            do {
                if decoder == nil {
                    decoder = JSONDecoder()
                    decoder?.userInfo[.canonicalMapping] = mapping
                }
                batch.tickets.append(try decoder!.decode(Ticket.self, from: data))
            } catch {
                batch.problems.append(RecordProblem(
                    source: name, location: "\(path):\(record.line)",
                    recordID: FileSource.recordID(in: data), message: FileSource.describe(error)
                ))
            }
        }
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
            return "\(path(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context)?:
            return "\(path(context.codingPath)): expected \(typeName(type)), found null"
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
