public import Foundation
public import SLAEngine

/// Makes the signed acknowledge and snooze links of team messages:
/// `{public_url}/a/{token}`, valid for `link_ttl` from the moment the message is worded.
public struct ActionLinks: Sendable {
    /// `public_url`, without a trailing slash.
    public var publicURL: String
    public var keys: ActionKeys
    /// Seconds a link stays valid.
    public var ttl: Int

    public init(publicURL: String, keys: ActionKeys, ttl: Int) {
        self.publicURL = publicURL
        self.keys = keys
        self.ttl = ttl
    }

    /// The link for one action on one clock.
    public func url(_ action: ActionToken.Action, source: String, ticketID: String, metric: Metric, cycle: Int, at now: Date) -> String {
        let token = ActionToken(
            source: source, ticketID: ticketID, metric: metric, cycle: cycle, action: action,
            expires: now + TimeInterval(ttl))
        return publicURL + "/a/" + token.signed(with: keys)
    }
}
