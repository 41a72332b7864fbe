import Synchronization
public import Transport

/// What the listener checks requests against: the keys of signed links
/// (`actions.key_file`), the API token (`api_token_file`) and the Slack app's signing
/// secret. Swapped whole on reload (SIGHUP), so a rotated key, token or secret applies from
/// the next request on, without a restart.
public final class ListenerCredentials: Sendable {
    /// The credentials in force.
    public struct Current: Sendable {
        /// Nil: no link verifies (403).
        public var actionKeys: ActionKeys?
        public var access: APIAccess
        /// Nil: `POST /slack/actions` is off (404).
        public var slack: SlackSignature?
    }

    private let current: Mutex<Current>

    public init(actionKeys: ActionKeys?, apiToken: Secret?, slackSigningSecret: Secret?) {
        current = Mutex(Current(
            actionKeys: actionKeys, access: APIAccess(token: apiToken), slack: slackSigningSecret.map(SlackSignature.init)))
    }

    /// Puts a reloaded configuration's credentials in force.
    public func replace(actionKeys: ActionKeys?, apiToken: Secret?, slackSigningSecret: Secret?) {
        let fresh = Current(
            actionKeys: actionKeys, access: APIAccess(token: apiToken), slack: slackSigningSecret.map(SlackSignature.init))
        current.withLock { $0 = fresh }
    }

    /// The credentials in force now.
    public var now: Current { current.withLock { $0 } }
}
