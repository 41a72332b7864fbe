import Foundation

/// Splits a tickets file into records with the line each starts on, so that a bad record
/// can be reported by line and skipped while the others still decode.
///
/// A JSON array whose structure is broken (a string or a record not closed, the array not
/// closed, text after it) cannot be split with any confidence: that is a `SyntaxError`, and
/// the file is unreadable as a whole, not a file of no tickets.
///
/// A file whose first non-blank character is `[` is a JSON array; anything else is JSON
/// Lines (one object per line; blank lines ignored).
enum JSONRecords {
    struct Record {
        var line: Int
        var bytes: ArraySlice<UInt8>
    }

    struct SyntaxError: Error {
        var line: Int
        var message: String
    }

    /// The first byte of `record`, cut from `data`, that is not UTF-8, with its line and
    /// column (in bytes, from 1); nil when the record is UTF-8 throughout.
    /// True when some byte in `range` of `data` is not UTF-8.
    static func invalidUTF8(in range: Range<Int>, of data: [UInt8]) -> Bool {
        data.withUnsafeBufferPointer { String(validating: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) == nil }
    }

    static func invalidUTF8(in record: Record, of data: [UInt8]) -> (byte: UInt8, line: Int, column: Int)? {
        var iterator = record.bytes.makeIterator()
        var decoder = UTF8()
        var offset = record.bytes.startIndex
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error:
                let line = record.line + record.bytes[..<offset].count { $0 == UInt8(ascii: "\n") }
                let lineStart = data[..<offset].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
                return (data[offset], line, offset - lineStart + 1)
            }
        }
    }

    static func split(_ data: [UInt8]) throws(SyntaxError) -> [Record] {
        var i = 0
        var line = 1
        skipSpace(data, &i, &line)
        guard i < data.count else { return [] }
        if data[i] == UInt8(ascii: "[") { return try splitArray(data, from: i, line: line) }
        return splitLines(data)
    }

    private static func splitLines(_ data: [UInt8]) -> [Record] {
        var records: [Record] = []
        var line = 1
        var start = 0
        for (i, byte) in data.enumerated() where byte == UInt8(ascii: "\n") {
            append(data[start..<i], line: line, to: &records)
            line += 1
            start = i + 1
        }
        append(data[start...], line: line, to: &records)
        return records
    }

    private static func append(_ bytes: ArraySlice<UInt8>, line: Int, to records: inout [Record]) {
        if bytes.contains(where: { !isSpace($0) }) { records.append(Record(line: line, bytes: bytes)) }
    }

    /// Walks the array's top level, tracking strings and nesting, and cuts at its commas.
    private static func splitArray(_ data: [UInt8], from open: Int, line startLine: Int) throws(SyntaxError) -> [Record] {
        var records: [Record] = []
        var i = open + 1
        var line = startLine
        while true {
            skipSpace(data, &i, &line)
            guard i < data.count else { throw SyntaxError(line: line, message: "the array is not closed; end it with ]") }
            if data[i] == UInt8(ascii: "]") && records.isEmpty { i += 1; break }
            let start = i, recordLine = line
            var depth = 0
            var openString: Int?
            // The record's end: a comma or the closing bracket at its top level.
            data.withUnsafeBufferPointer { data in
                while i < data.count {
                    let byte = data[i]
                    if byte == UInt8(ascii: "\"") {
                        // A string, to its closing quote. JSON has no line break inside one: when
                        // the record is then never closed, the first string that ran past the end
                        // of its line is the likely cause.
                        i += 1
                        let stringLine = line
                        while i < data.count, data[i] != UInt8(ascii: "\"") {
                            if data[i] == UInt8(ascii: "\\") {
                                i += 1
                            } else if data[i] == UInt8(ascii: "\n") {
                                line += 1
                                if openString == nil { openString = stringLine }
                            }
                            i += 1
                        }
                    } else {
                        switch byte {
                        case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                        case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                        case UInt8(ascii: "\n"): line += 1
                        default: break
                        }
                        if depth < 0 || (depth == 0 && byte == UInt8(ascii: ",")) { break }
                    }
                    i += 1
                }
            }
            guard i < data.count else {
                if let openString {
                    throw SyntaxError(line: openString, message: "a string on this line is not closed; check its quotes")
                }
                if depth == 0 { throw SyntaxError(line: line, message: "the array is not closed; end it with ]") }
                throw SyntaxError(line: recordLine, message: "the record starting here is not closed; check its braces")
            }
            records.append(Record(line: recordLine, bytes: data[start..<i]))
            if data[i] == UInt8(ascii: "]") { i += 1; break }
            i += 1 // the comma
        }
        skipSpace(data, &i, &line)
        if i < data.count {
            throw SyntaxError(line: line, message: "unexpected text after the closing ]; a tickets file holds one JSON array")
        }
        return records
    }

    private static func skipSpace(_ data: [UInt8], _ i: inout Int, _ line: inout Int) {
        while i < data.count, isSpace(data[i]) {
            if data[i] == UInt8(ascii: "\n") { line += 1 }
            i += 1
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
