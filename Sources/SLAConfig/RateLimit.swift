/// At most `count` messages per `perSeconds` seconds, as written `1/s`, `20/m` or `100/h`.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    /// Messages allowed in each period; at least 1.
    public var count: Int
    /// The period in seconds: 1, 60 or 3600.
    public var perSeconds: Int

    public init(count: Int, perSeconds: Int) {
        self.count = count
        self.perSeconds = perSeconds
    }

    /// Parses `N/s`, `N/m` or `N/h` with N a positive whole number; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count <= 9, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
              let count = Int(parts[0]), count > 0
        else { return nil }
        switch parts[1] {
        case "s": self.init(count: count, perSeconds: 1)
        case "m": self.init(count: count, perSeconds: 60)
        case "h": self.init(count: count, perSeconds: 3_600)
        default: return nil
        }
    }

    public var description: String {
        "\(count)/" + (perSeconds == 1 ? "s" : perSeconds == 60 ? "m" : perSeconds == 3_600 ? "h" : "\(perSeconds)s")
    }
}
