public import Foundation

/// Decides when to tell the ops channel about a channel's trouble: once when its outage
/// starts (its first dead letter) and once when it recovers (its first success after),
/// never once per message.
///
/// Pure: feed it every outcome in order and send the notices it returns. A partial mail
/// delivery counts as the channel working (the relay took the message; the refused
/// addresses are in the outcome). Cancelled deliveries say nothing about the channel.
public struct ChannelHealth: Sendable {
    /// Something ops should hear about.
    public enum Notice: Sendable, Hashable {
        /// The channel's first dead letter since it last worked.
        case outageStarted(channel: String, reason: DeliveryError.Code, at: Date)
        /// The channel worked again: down since `since`, with `deadLetters` messages lost meanwhile.
        case recovered(channel: String, since: Date, deadLetters: Int, at: Date)
    }

    private struct Outage: Sendable {
        var since: Date
        var deadLetters: Int
    }

    private var outages: [String: Outage] = [:]

    public init() {}

    /// Channels currently in an outage, by name.
    public var channelsDown: [String] { outages.keys.sorted() }

    /// Records one delivery's end; returns the notice to send, if any.
    public mutating func record(_ outcome: DeliveryOutcome, at date: Date) -> Notice? {
        switch outcome.status {
        case .delivered, .partiallyDelivered:
            return record(channel: outcome.channel, succeeded: true, reason: nil, at: date)
        case .deadLettered:
            return record(channel: outcome.channel, succeeded: false, reason: outcome.error?.code ?? .protocolError, at: date)
        case .cancelled:
            return nil
        }
    }

    /// The same, from the facts alone.
    public mutating func record(channel: String, succeeded: Bool, reason: DeliveryError.Code?, at date: Date) -> Notice? {
        if succeeded {
            guard let outage = outages.removeValue(forKey: channel) else { return nil }
            return .recovered(channel: channel, since: outage.since, deadLetters: outage.deadLetters, at: date)
        }
        if outages[channel] != nil {
            outages[channel]!.deadLetters += 1
            return nil
        }
        outages[channel] = Outage(since: date, deadLetters: 1)
        return .outageStarted(channel: channel, reason: reason ?? .protocolError, at: date)
    }
}
