/// A `HOST:PORT` to listen on: the configuration's `listen` (default `127.0.0.1:9469`).
///
/// An IPv6 host goes in brackets (`[::1]:9469`); the brackets are not part of `host`.
/// Port 0 asks the kernel for a free port (tests); `StatusServer` reports the one bound.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// Why a `listen` value was refused.
    public struct InvalidAddress: Error, Sendable, Hashable, CustomStringConvertible {
        /// The value as written.
        public var text: String

        public init(text: String) {
            self.text = text
        }

        public var description: String {
            "listen: \"\(text)\" is not HOST:PORT; write an address and a port such as 127.0.0.1:9469, [::1]:9469 or 0.0.0.0:9469"
        }
    }

    /// An IP address or a host name, without brackets.
    public var host: String
    /// 0...65535.
    public var port: Int

    /// An address from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` or `[IPV6]:PORT`.
    public init(parsing text: String) throws(InvalidAddress) {
        guard let colon = text.lastIndex(of: ":") else { throw InvalidAddress(text: text) }
        var host = Substring(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") || host.hasSuffix("]") {
            guard host.count > 2, host.hasPrefix("["), host.hasSuffix("]") else { throw InvalidAddress(text: text) }
            host = host.dropFirst().dropLast()
        }
        guard !host.isEmpty, !host.contains("[") && !host.contains("]"),
              !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), (0...65_535).contains(port)
        else { throw InvalidAddress(text: text) }
        self.host = String(host)
        self.port = port
    }

    /// `HOST:PORT`, with brackets around an IPv6 host.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
