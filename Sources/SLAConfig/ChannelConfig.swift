/// A place notifications go (`channels.NAME`): a chat webhook, a signed webhook, mail
/// through a relay, or a log file.
public struct ChannelConfig: Sendable {
    /// The channel's `type`, which decides its encoder and its other keys.
    public enum ChannelType: String, Sendable, Hashable, CaseIterable {
        case slack, mattermost
        case googleChat = "google_chat"
        case discord, teams, webhook, email, log
    }

    /// What the type needs to deliver.
    public enum Kind: Sendable {
        /// `slack`, `mattermost`, `google_chat`, `discord`, `teams`: the incoming-webhook URL,
        /// from `url` (inline, may be `${ENV}`) or `url_file`.
        case chat(url: SecretReference)
        /// `webhook`: the URL (`url` or `url_file`), the Standard Webhooks `whsec_` signing
        /// secret (`secret_file`; nil sends unsigned), and extra HTTP `headers`, whose values
        /// may hold tokens and so are secrets too (`${ENV}` allowed).
        case webhook(url: SecretReference, signingSecret: SecretReference?, headers: [String: SecretReference])
        /// `email`: sent through the relay named `relay`, to `to` (empty: the ticket's
        /// customer) with copies to `cc`; addresses as written, `Name <addr>` allowed.
        case email(relay: String, to: [String], cc: [String])
        /// `log`: one JSON line per message appended to `path` (absolute, resolved against
        /// the configuration file's directory).
        case log(path: String)
    }

    /// The key the channel is defined under; ladders and teams name it.
    public var name: String
    /// `type`.
    public var type: ChannelType
    /// The settings of its type.
    public var kind: Kind
    /// `digest`: several steps due for this channel in one tick go out as one message.
    /// Default: on, except for `webhook` channels, which feed other tools one ticket at a time.
    public var digest: Bool
    /// `quiet_hours`: the name of a calendar; outside its open windows non-urgent
    /// pre-breach warnings wait until it opens (breaches always go out). Nil (the
    /// default) sends at any hour.
    public var quietHours: String?
    /// `rate_limit` (`1/s`, `20/m`, `100/h`); nil (the default) for no limit.
    public var rateLimit: RateLimit?
    /// `timeout`: seconds one delivery attempt may take. Default 10
    /// (`Configuration.Defaults.channelTimeout`).
    public var timeout: Int
    /// Where the channel is written, for problems found when it is wired; nil when it was
    /// not read from a file.
    public var location: ConfigLocation?

    public init(
        name: String, type: ChannelType, kind: Kind, digest: Bool = false, quietHours: String? = nil,
        rateLimit: RateLimit? = nil, timeout: Int = Configuration.Defaults.channelTimeout
    ) {
        self.name = name
        self.type = type
        self.kind = kind
        self.digest = digest
        self.quietHours = quietHours
        self.rateLimit = rateLimit
        self.timeout = timeout
    }
}
