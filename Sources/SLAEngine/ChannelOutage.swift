public import Foundation

/// A channel failing since `since`, with the messages dead-lettered meanwhile: what the
/// dispatcher's channel health decides and what the state keeps across restarts, so ops
/// hear of an outage once when it starts and once when it ends.
public struct ChannelOutage: Sendable, Hashable {
    public var since: Date
    public var deadLetters: Int

    public init(since: Date, deadLetters: Int) {
        self.since = since
        self.deadLetters = deadLetters
    }
}
