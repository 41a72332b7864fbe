/// Where in a configuration file a value was written.
public struct ConfigLocation: Sendable, Hashable, CustomStringConvertible {
    /// The configuration file, as the path it was loaded from.
    public var file: String
    /// 1-based line; 0 when the problem concerns the whole file (it cannot be read).
    public var line: Int
    /// 1-based column, counted in Unicode scalars as libyaml does.
    public var column: Int
    /// The key path of the value (`ladders.default[1].at`); empty for the file itself.
    public var path: String

    public init(file: String, line: Int, column: Int, path: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
    }

    /// `file:line:col: key.path`, leaving out what is unknown.
    public var description: String {
        var text = line > 0 ? "\(file):\(line):\(column)" : file
        if !path.isEmpty { text += ": \(path)" }
        return text
    }
}
