import Foundation

/// The one rule for ticket links in messages: an `http` or `https` URL with a host is a
/// link; anything else (`javascript:`, `data:`, `file:`, text that is not a URL) is left
/// out of every message, chat, mail and webhook alike.
public enum WebLink {
    /// `text` when it is an http(s) URL with a host, else nil.
    public static func validated(_ text: String?) -> String? {
        guard let text, let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              components.host?.isEmpty == false
        else { return nil }
        return text
    }
}

extension Ticket {
    /// `url` when it may be linked (`WebLink`), else nil: what messages show.
    public var link: String? { WebLink.validated(url) }
}
