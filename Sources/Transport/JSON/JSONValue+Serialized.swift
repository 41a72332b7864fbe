import Foundation

/// Writing JSON by hand, in the order written: `JSONEncoder` does not keep an object's key
/// order, and its pretty form (`"key" : value`) and number spelling (`100` for `100.0`) are
/// not those of the output documented in DESIGN.md (`evaluate`) and of `log` channels.
extension JSONValue {
    /// Compact JSON, or two-space indented when `pretty`; object members in their order,
    /// a whole `double` with one decimal (`100.0`), a non-finite one as `null`.
    public func serialized(pretty: Bool = false) -> String {
        var writer = JSONWriter(pretty: pretty)
        write(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Writes the value as the writer's next entry.
    public func write(to writer: inout JSONWriter) {
        switch self {
        case .null: writer.null()
        case .bool(let b): writer.bool(b)
        case .int(let i): writer.int(i)
        case .double(let d): writer.double(d)
        case .string(let s): writer.string(s)
        case .array(let items):
            writer.beginArray()
            for item in items { item.write(to: &writer) }
            writer.endArray()
        case .object(let pairs):
            writer.beginObject()
            for member in pairs {
                writer.key(member.key)
                member.value.write(to: &writer)
            }
            writer.endObject()
        }
    }
}
