import Foundation

/// Next-page URLs a service hands back, resolved and checked before credentials go with them.
enum PageURL {
    /// `next` resolved against `current` (it may be relative); nil when it is not an http(s)
    /// URL on the same scheme, host and port as `base`, where the credentials belong.
    static func resolve(_ next: String, against current: String, base: String) -> String? {
        guard let currentURL = URL(string: current), let resolved = URL(string: next, relativeTo: currentURL)?.absoluteURL,
              let target = URLComponents(url: resolved, resolvingAgainstBaseURL: false), let home = URLComponents(string: base)
        else { return nil }
        guard let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https",
              scheme == home.scheme?.lowercased(), target.host?.lowercased() == home.host?.lowercased(),
              effectivePort(target) == effectivePort(home)
        else { return nil }
        return resolved.absoluteString
    }

    private static func effectivePort(_ components: URLComponents) -> Int? {
        components.port ?? (components.scheme?.lowercased() == "https" ? 443 : 80)
    }
}
