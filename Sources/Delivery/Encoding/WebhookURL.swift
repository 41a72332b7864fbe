import Foundation
import Transport

/// Checks that a configured webhook URL is http or https with a host, without showing it.
enum WebhookURL {
    static func validated(_ url: Secret, kind: ChannelKind) throws -> Secret {
        let text = url.reveal()
        guard let scheme = URLText.scheme(of: text), scheme == "https" || scheme == "http" else {
            throw ChannelSettingsError(
                code: .invalidURL,
                message: "the \(kind.rawValue) channel's url is not an http(s) URL with a host; "
                    + "check url or the file url_file names")
        }
        if let flaw = URLText.flaw(of: text) {
            throw ChannelSettingsError(
                code: .invalidURL,
                message: "the \(kind.rawValue) channel's url is not a URL a request can be sent to: \(flaw)")
        }
        return url
    }
}
