public import Foundation
public import SLAEngine

/// Decides when to tell the ops channel about a channel's trouble: once when its outage
/// starts and once when it recovers (its first success after), never once per message.
///
/// An outage starts at the channel's first dead letter, or once its attempts have failed
/// without a success in between for `outageAfter` seconds; it dates from the first of those
/// failures. Pure: feed it every attempt's end in order and send the notices it returns. A
/// partial mail delivery counts as the channel working (the relay took the message).
/// Outages can be handed in at start, so a restart does not announce one again.
public struct ChannelHealth: Sendable {
    /// Something ops should hear about.
    public enum Notice: Sendable, Hashable {
        /// The channel's outage began at `at`; `givenUp` when it began with a dead letter
        /// (the receiver refused the message for good), not with a minute of failures the
        /// messages are kept through.
        case outageStarted(channel: String, reason: DeliveryError.Code, at: Date, givenUp: Bool = false)
        /// The channel worked again: down since `since`, with `deadLetters` messages lost meanwhile.
        case recovered(channel: String, since: Date, deadLetters: Int, at: Date)
    }

    /// How an attempt ended, as far as the channel's health goes.
    public enum Attempt: Sendable, Hashable {
        case succeeded
        /// Failed; the message will be tried again.
        case failed(DeliveryError.Code)
        /// Failed for good: a dead letter.
        case deadLettered(DeliveryError.Code)
    }

    /// Seconds of failures without a success that make an outage. Default 60.
    public var outageAfter: TimeInterval
    public private(set) var outages: [String: ChannelOutage]
    /// When each failing channel not (yet) in an outage began to fail.
    private var failingSince: [String: Date] = [:]

    public init(outages: [String: ChannelOutage] = [:], outageAfter: TimeInterval = 60) {
        self.outages = outages
        self.outageAfter = outageAfter
    }

    /// Channels currently in an outage, by name.
    public var channelsDown: [String] { outages.keys.sorted() }

    /// Records one attempt's end; returns the notice to send, if any.
    public mutating func record(channel: String, _ attempt: Attempt, at date: Date) -> Notice? {
        switch attempt {
        case .succeeded:
            failingSince[channel] = nil
            guard let outage = outages.removeValue(forKey: channel) else { return nil }
            return .recovered(channel: channel, since: outage.since, deadLetters: outage.deadLetters, at: date)
        case .failed(let reason), .deadLettered(let reason):
            let dead = if case .deadLettered = attempt { 1 } else { 0 }
            if outages[channel] != nil {
                outages[channel]!.deadLetters += dead
                return nil
            }
            let since = failingSince[channel] ?? date
            failingSince[channel] = since
            guard dead == 1 || date.timeIntervalSince(since) >= outageAfter else { return nil }
            failingSince[channel] = nil
            outages[channel] = ChannelOutage(since: since, deadLetters: dead)
            return .outageStarted(channel: channel, reason: reason, at: since, givenUp: dead == 1)
        }
    }
}
