import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The host part of `listen`: an IPv4 address, an IPv6 address in brackets, or a host name.
enum ListenHost {
    /// Why `host` cannot be listened on, or nil when it can be.
    static func problem(_ host: String) -> String? {
        if host.hasPrefix("[") || host.hasSuffix("]") {
            let inner = String(host.dropFirst().dropLast())
            guard host.count > 2, host.hasPrefix("["), host.hasSuffix("]"), isAddress(inner, family: AF_INET6) else {
                return "\(host) is not an IPv6 address in brackets"
            }
            return nil
        }
        if host.contains(":") { return "an IPv6 address goes in brackets, as [::1]:9469" }
        if host.isEmpty { return "the address before the port is missing" }
        // All digits and dots: meant as an IPv4 address, so it must be one.
        if host.allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) }) {
            return isAddress(host, family: AF_INET) ? nil : "\(host) is not an IPv4 address (four numbers from 0 to 255)"
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let isName = host.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        return isName ? nil : "\(host) is neither an IP address nor a host name"
    }

    private static func isAddress(_ text: String, family: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return inet_pton(family, text, &buffer) == 1
    }
}
