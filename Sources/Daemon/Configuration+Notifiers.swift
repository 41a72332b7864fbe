public import Delivery
import Foundation
public import SLAConfig
public import Transport

/// A channel whose settings the delivery layer refused, named with what to fix.
public struct ChannelWiringError: Error, Sendable, CustomStringConvertible {
    public var channel: String
    public var message: String
    public var description: String { "channels.\(channel): \(message)" }
}

extension Configuration {
    /// A notifier for every configured channel, with its secrets in place.
    ///
    /// Errors name the channel and the setting, never a secret's value.
    public func notifiers(
        secrets: ResolvedSecrets, transport: CurlTransport, context: DeliveryContext = .system
    ) throws(ChannelWiringError) -> [String: any Notifier] {
        var result: [String: any Notifier] = [:]
        for channel in channels.values.sorted(by: { $0.name < $1.name }) {
            do {
                result[channel.name] = try notifier(
                    for: channel, secrets: secrets, transport: transport, context: context
                )
            } catch let error as ChannelWiringError {
                throw error
            } catch {
                throw ChannelWiringError(channel: channel.name, message: "\(error)")
            }
        }
        return result
    }

    private func notifier(
        for channel: ChannelConfig, secrets: ResolvedSecrets, transport: CurlTransport, context: DeliveryContext
    ) throws -> any Notifier {
        func credential(_ reference: SecretReference) throws -> Secret {
            guard let secret = secrets[reference] else {
                throw ChannelWiringError(channel: channel.name, message: "a secret was not resolved; run slawatch check")
            }
            return secret
        }
        let policy = ChannelPolicy(
            timeout: TimeInterval(channel.timeout),
            rateLimit: channel.rateLimit.map { SendRate(count: $0.count, per: TimeInterval($0.perSeconds)) }
        )
        let encoder: any ChannelEncoder
        switch channel.kind {
        case .log(let path):
            return LogChannel(channel: channel.name, path: path)
        case .email(let relayName, let to, let cc):
            guard let relay = relays[relayName] else {
                throw ChannelWiringError(channel: channel.name, message: "relay \(relayName) is not defined")
            }
            let smtp = try SMTPRelay(
                url: relay.url, security: SMTPRelay.Security(rawValue: relay.tls.rawValue), username: relay.username,
                password: try relay.password.map(credential), from: relay.from, caFile: relay.caFile
            )
            return try EmailNotifier(
                channel: channel.name, relay: smtp, to: to, cc: cc, transport: transport, policy: policy, context: context
            )
        case .webhook(let url, let signingSecret, let headers):
            encoder = try WebhookEncoder(
                url: try credential(url), signer: try signingSecret.map { try WebhookSigner(secret: try credential($0)) },
                headers: try headers.mapValues(credential)
            )
        case .chat(let url):
            let url = try credential(url)
            switch channel.type {
            case .slack: encoder = try SlackEncoder(url: url)
            case .mattermost: encoder = try MattermostEncoder(url: url)
            case .googleChat: encoder = try GoogleChatEncoder(url: url)
            case .discord: encoder = try DiscordEncoder(url: url)
            case .teams: encoder = try TeamsEncoder(url: url)
            case .webhook, .email, .log:
                throw ChannelWiringError(channel: channel.name, message: "type \(channel.type.rawValue) takes other settings")
            }
        }
        return HTTPNotifier(channel: channel.name, encoder: encoder, transport: transport, policy: policy, context: context)
    }
}
