public import Foundation

extension JSONValue {
    /// Parses a response body; nil when it is not one JSON document.
    ///
    /// A plain recursive-descent reader over the bytes: `JSONDecoder` into an enum tries
    /// each type in turn and is far too slow for thousand-ticket pages.
    public static func parse(_ data: Data) -> JSONValue? {
        Array(data).withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            // A UTF-8 byte order mark is allowed and skipped.
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { reader.index = 3 }
            reader.skipSpace()
            guard let node = reader.value(depth: 0) else { return nil }
            reader.skipSpace()
            return reader.atEnd ? node : nil
        }
    }
}

/// The byte-level JSON reader sources parse with: RFC 8259, recursive descent, over bytes
/// the caller keeps alive for the reader's lifetime.
///
/// `value(depth:)` builds a `JSONValue`; the canonical ticket decoder (`TicketRecordReader`)
/// reads members by their raw keys and builds a `Ticket` directly.
public struct JSONReader {
    public let bytes: UnsafeBufferPointer<UInt8>
    public var index = 0
    /// When set, a `\u` escape of a lone surrogate fails the string (as `JSONDecoder`
    /// does) instead of reading as U+FFFD.
    public var strictSurrogates = false

    @usableFromInline static let maxDepth = 512

    @inlinable public init(_ bytes: UnsafeBufferPointer<UInt8>, strictSurrogates: Bool = false) {
        self.bytes = bytes
        self.strictSurrogates = strictSurrogates
    }

    @inlinable public var atEnd: Bool { index == bytes.count }

    /// The byte at the reading position; nil at the end.
    @inlinable public var next: UInt8? { index < bytes.count ? bytes[index] : nil }

    @inlinable public mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    @inlinable public mutating func value(depth: Int) -> JSONValue? {
        guard index < bytes.count, depth < JSONReader.maxDepth else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    @inlinable public mutating func literal(_ text: String, _ node: JSONValue) -> JSONValue? {
        let count = text.utf8.count
        guard index + count <= bytes.count, bytes[index..<(index + count)].elementsEqual(text.utf8) else { return nil }
        index += count
        return node
    }

    @inlinable mutating func object(depth: Int) -> JSONValue? {
        var members = JSONObject()
        let read = container(close: UInt8(ascii: "}")) { reader in
            guard reader.next == UInt8(ascii: "\""), let key = reader.string(), reader.colon(),
                  let member = reader.value(depth: depth + 1)
            else { return false }
            members.append(key, member)
            return true
        }
        return read ? .object(members) : nil
    }

    @inlinable mutating func array(depth: Int) -> JSONValue? {
        var items: [JSONValue] = []
        let read = container(close: UInt8(ascii: "]")) { reader in
            guard let item = reader.value(depth: depth + 1) else { return false }
            items.append(item)
            return true
        }
        return read ? .array(items) : nil
    }

    /// Reads an object member by member: `body` gets each key's bytes as written, with the
    /// reader at its value, and must read that value. False when the object is not well
    /// formed, a key holds an escape, or `body` returns false.
    @inlinable public mutating func members(_ body: (inout JSONReader, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        guard next == UInt8(ascii: "{") else { return false }
        return container(close: UInt8(ascii: "}")) { reader in
            guard reader.next == UInt8(ascii: "\""), let key = reader.plainString(), reader.colon() else { return false }
            return body(&reader, key)
        }
    }

    /// Reads an array item by item: `body` is called with the reader at each item and must
    /// read it. False when the array is not well formed or `body` returns false.
    @inlinable public mutating func items(_ body: (inout JSONReader) -> Bool) -> Bool {
        guard next == UInt8(ascii: "[") else { return false }
        return container(close: UInt8(ascii: "]"), body)
    }

    /// An object's or array's entries from its opening bracket to `close`, separated by
    /// commas, each read by `entry` with the reader past any space before it.
    @inlinable mutating func container(close: UInt8, _ entry: (inout JSONReader) -> Bool) -> Bool {
        index += 1
        skipSpace()
        if next == close {
            index += 1
            return true
        }
        while true {
            skipSpace()
            guard entry(&self) else { return false }
            skipSpace()
            guard let byte = next else { return false }
            index += 1
            if byte == UInt8(ascii: ",") { continue }
            return byte == close
        }
    }

    /// Space, a colon and space, as between a key and its value.
    @inlinable mutating func colon() -> Bool {
        skipSpace()
        guard next == UInt8(ascii: ":") else { return false }
        index += 1
        skipSpace()
        return true
    }

    /// The bytes of a string without escapes, starting at the opening quote; nil (the
    /// position left undefined) for one with an escape or a control character.
    @inlinable public mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)])
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    /// A string starting at the opening quote.
    @inlinable public mutating func string() -> String? {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { return nil }
            index += 1
        }
        var scalars = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    guard var code = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(code) {
                        // A high surrogate needs its low half.
                        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                            index += 2
                            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            if strictSurrogates { return nil }
                            code = 0xFFFD
                        }
                    } else if (0xDC00..<0xE000).contains(code) {
                        if strictSurrogates { return nil }
                        code = 0xFFFD
                    }
                    scalars.append(contentsOf: Array(String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8))
                default:
                    return nil
                }
            default:
                if byte < 0x20 { return nil }
                scalars.append(byte)
                index += 1
            }
        }
        return nil
    }

    @inlinable mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        index += 4
        return value
    }

    /// An RFC 8259 number: an integer that fits is `.int`, anything else `.double`.
    @inlinable public mutating func number() -> JSONValue? {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let digitsStart = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
        let integerDigits = index - digitsStart
        guard integerDigits > 0, integerDigits == 1 || bytes[digitsStart] != 0x30 else { return nil }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let fraction = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            guard index > fraction else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let exponent = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            guard index > exponent else { return nil }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let value = Int(text) { return .int(value) }
        return Double(text).map(JSONValue.double)
    }
}
