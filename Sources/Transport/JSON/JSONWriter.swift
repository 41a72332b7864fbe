/// Writes JSON into a byte buffer as it goes, compact or two-space indented, in the
/// spelling `JSONValue.serialized(pretty:)` documents (it writes through this type).
///
/// For output too large to build as one value (`evaluate` over many tickets): containers
/// are opened and closed by hand, `take()` hands over what is written so far to be sent
/// on, and `nested()` starts a writer for more entries of the container open now, which
/// another task may fill and `append(_:)` puts in place, separators included.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    public let pretty: Bool
    /// How many containers are open.
    private var depth: Int
    /// No entry has been written yet in the innermost open container.
    private var first = true
    /// A key was just written, so the next value follows it directly.
    private var afterKey = false

    public init(pretty: Bool = false) {
        self.pretty = pretty
        depth = 0
    }

    private init(pretty: Bool, depth: Int) {
        self.pretty = pretty
        self.depth = depth
    }

    /// A writer for further entries of the container open here, as if each were its first.
    public func nested() -> JSONWriter {
        JSONWriter(pretty: pretty, depth: depth)
    }

    /// Places entries written by a `nested()` writer as the next entries here: writes what
    /// goes before them (a comma, unless they are the first) and returns their bytes, which
    /// follow what this writer holds now.
    public mutating func place(_ entries: JSONWriter) -> [UInt8] {
        guard !entries.first else { return [] }
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        return entries.bytes
    }

    /// What has been written since the last `take()`, leaving the buffer empty.
    public mutating func take() -> [UInt8] {
        let taken = bytes
        bytes = []
        return taken
    }

    /// Ends a value written at the top with a new line, for a file of JSON lines.
    public mutating func endLine() {
        precondition(depth == 0, "a line ends inside a container")
        bytes.append(UInt8(ascii: "\n"))
    }

    public mutating func reserveCapacity(_ count: Int) {
        bytes.reserveCapacity(count)
    }

    /// A key quoted once, for keys written many times.
    public struct Key: Sendable {
        fileprivate let quoted: [UInt8]

        public init(_ key: String) {
            var writer = JSONWriter()
            writer.string(key)
            quoted = writer.bytes
        }
    }

    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// A member's key; its value is written next.
    public mutating func key(_ key: String) {
        self.key(Key(key))
    }

    public mutating func key(_ key: Key) {
        separate()
        bytes += key.quoted
        bytes += (pretty ? ": " : ":").utf8
        afterKey = true
    }

    public mutating func null() {
        separate()
        bytes += "null".utf8
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes += (value ? "true" : "false").utf8
    }

    public mutating func int(_ value: Int) {
        separate()
        digits(value)
    }

    /// A whole number with one decimal (`100.0`, as `%.1f` writes it), any other the
    /// shortest text that reads back the same, a non-finite one as `null`.
    public mutating func double(_ value: Double) {
        guard value.isFinite else { return null() }
        separate()
        if value == value.rounded() && abs(value) < 1e15 {
            if value.sign == .minus && value == 0 { bytes.append(UInt8(ascii: "-")) }
            digits(Int(value))
            bytes += ".0".utf8
        } else {
            bytes += value.description.utf8
        }
    }

    public mutating func string(_ value: String) {
        var text = value
        text.withUTF8 { string(utf8: $0) }
    }

    /// A string, or `null` when there is none.
    public mutating func optional(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// A string given as its UTF-8 bytes.
    public mutating func string(utf8: UnsafeBufferPointer<UInt8>) {
        separate()
        JSONWriter.appendQuoted(utf8, to: &bytes)
    }

    // MARK: Layout

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        depth += 1
        first = true
    }

    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        if !first { newline() }
        bytes.append(bracket)
        first = false
    }

    /// What goes before an entry: nothing after a key or at the top, else a comma unless
    /// it is the container's first, and a new indented line when pretty.
    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard depth > 0 else { return }
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        newline()
    }

    private mutating func newline() {
        guard pretty else { return }
        if depth < JSONWriter.indents.count {
            bytes += JSONWriter.indents[depth]
        } else {
            bytes.append(UInt8(ascii: "\n"))
            bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
        }
    }

    /// A new line and the indentation of each of the first few depths.
    private static let indents = (0..<16).map { [UInt8(ascii: "\n")] + Array(repeating: UInt8(ascii: " "), count: 2 * $0) }

    private mutating func digits(_ value: Int) {
        guard value != 0 else { return bytes.append(UInt8(ascii: "0")) }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = bytes.count
        while magnitude > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        bytes[start...].reverse()
    }

    /// Appends a string in quotes: `"` and `\` escaped, `\n` `\r` `\t` by name, other
    /// control characters as `\u00XX`, and U+2028 and U+2029 as `\u2028` and `\u2029`.
    /// Runs of bytes that need none of it are copied whole (message bodies are mostly such
    /// runs). For writers of their own layout, as the outbox's rows are.
    public static func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var plain = 0
        var i = 0
        while i < utf8.count {
            let byte = utf8[i]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0xE2 else {
                i += 1
                continue
            }
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9; any other E2 sequence is plain.
            let separator = byte == 0xE2 && i + 2 < utf8.count && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9)
            if byte == 0xE2 && !separator {
                i += 1
                continue
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plain..<i]))
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "t"))
            case 0xE2: bytes.append(contentsOf: "u202".utf8 + [utf8[i + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9")])
            default: bytes.append(contentsOf: "u00".utf8 + [JSONWriter.hexDigits[Int(byte >> 4)], JSONWriter.hexDigits[Int(byte & 0xF)]])
            }
            i += separator ? 3 : 1
            plain = i
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plain...]))
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
