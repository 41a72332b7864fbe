import Foundation

/// What a `log` channel's file holds, read as bytes: a kill in the middle of a write can
/// cut a line anywhere, even inside a character, and every other line must still be read.
struct LogFile {
    /// The whole lines, parsed.
    private(set) var entries: [[String: Any]] = []
    /// The lines cut short, as written.
    private(set) var torn: [Data] = []
    private var lines: [Data] = []

    init(_ path: String) {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        for line in data.split(separator: UInt8(ascii: "\n")).map({ Data($0) }) {
            lines.append(line)
            if let entry = try? JSONSerialization.jsonObject(with: line) as? [String: Any] {
                entries.append(entry)
            } else {
                torn.append(line)
            }
        }
    }

    /// The keys of the whole lines, in file order.
    var keys: [String] { entries.compactMap { $0["key"] as? String } }

    /// Lines cut short that are not the start of a longer line. A cut line's message was
    /// never recorded as delivered, so it is written again whole; a cut line that ran into
    /// the next one is not the start of anything.
    var tornNeverWrittenWhole: [String] {
        torn.filter { cut in !lines.contains { $0.count > cut.count && $0.starts(with: cut) } }
            .map { String(decoding: $0.suffix(160), as: UTF8.self) }
    }
}
