/// The kinds of channel the delivery layer can send to; raw values are the configuration's
/// `type` and the metric label.
public enum ChannelKind: String, Sendable, Hashable, CaseIterable {
    case slack, teams, discord, mattermost, webhook, email
    case googleChat = "google_chat"
    /// JSON lines appended to a file (the daemon's `log` channel).
    case log

    /// The rate a channel of this kind keeps when its configuration names none: Slack's
    /// documented 1 message per second per webhook; nil (no limit) for the others.
    public var defaultRate: SendRate? {
        self == .slack ? .slackDefault : nil
    }
}
