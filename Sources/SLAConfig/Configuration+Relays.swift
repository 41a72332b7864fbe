import Foundation
/// `relays`: name → `{url, tls, username, password_file, from, ca_file}`.
extension Configuration {
    static let relayKeys = ["url", "tls", "username", "password_file", "from", "ca_file"]

    static func readRelays(_ node: ConfigNode?) -> [String: RelayConfig] {
        guard let node, let entries = node.mapping(what: "relays by name")?.entries else { return [:] }
        var relays: [String: RelayConfig] = [:]
        for entry in entries {
            guard let fields = entry.value.mapping(allowed: relayKeys, what: "a relay") else { continue }
            let example = "smtp://smtp.example.com:587"
            var url = fields.required("url", example: example)?.interpolated("an SMTP URL", example: example)
            let implicitOnly = url?.hasPrefix("smtps://") == true
            if let written = url, !implicitOnly, !written.hasPrefix("smtp://") {
                fields["url"]?.report("is not an SMTP URL; write smtp://HOST:587 (STARTTLS) or smtps://HOST:465 (TLS from the start)")
                url = nil
            }
            var tls = fields["tls"]?.choice(RelayConfig.TLS.self, what: "a TLS mode")
            if let chosen = tls, implicitOnly, chosen != .implicit {
                fields["tls"]?.report("\(chosen.rawValue) does not go with an smtps:// URL, which starts with TLS; "
                    + "write tls: implicit, or use smtp:// for \(chosen.rawValue)")
                tls = nil
            }
            let username = fields["username"]?.string("a user name", example: "slawatch")
            let password = fields["password_file"]?.secret(.file)
            if let written = fields.entry("username"), fields["password_file"] == nil {
                written.keyNode.report("is given without password_file; add password_file: /path/to/file holding the password, or remove username")
            }
            if let written = fields.entry("password_file"), fields["username"] == nil {
                written.keyNode.report("is given without username; add username: NAME, or remove password_file")
            }
            let from = fields.required("from", example: "\"Example Support <support@example.com>\"")?.mailbox(displayName: true)
            let caFile = fields["ca_file"]?.interpolated("a CA certificate file", example: "/etc/ssl/private-ca.pem", bareNames: true)
            guard let url, let from else { continue }
            if tls == RelayConfig.TLS.none, password != nil, let host = URLComponents(string: url)?.host, !isLoopback(host) {
                fields["tls"]?.warn("sends the relay's password to \(host) unencrypted; write tls: starttls or use smtps://, "
                    + "or keep tls: none for a relay on this machine or a network you trust")
            }
            var relay = RelayConfig(
                name: entry.key, url: url, tls: tls ?? (implicitOnly ? .implicit : .starttls),
                username: username, password: password, from: from, caFile: caFile.map(node.document.resolvingPath)
            )
            relay.location = entry.value.location
            relays[entry.key] = relay
        }
        return relays
    }

    /// A host on this machine: a password to it never crosses a network.
    private static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare.hasSuffix(".localhost") || bare == "::1" || bare.hasPrefix("127.")
    }
}
