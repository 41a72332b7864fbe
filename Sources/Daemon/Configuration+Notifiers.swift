public import Delivery
import Foundation
public import SLAConfig
public import Transport

extension Configuration {
    /// A notifier for every configured channel, with its secrets in place.
    ///
    /// Every channel the delivery layer refuses is a diagnostic at the key to fix (the
    /// webhook `secret_file`, the `url`, the relay), all of them at once; none quotes a
    /// secret.
    public func notifiers(
        secrets: ResolvedSecrets, transport: CurlTransport, context: DeliveryContext = .system
    ) throws(ConfigurationError) -> [String: any Notifier] {
        var result: [String: any Notifier] = [:]
        var problems: [ConfigDiagnostic] = []
        for channel in channels.values.sorted(by: { $0.name < $1.name }) {
            do {
                result[channel.name] = try notifier(
                    for: channel, secrets: secrets, transport: transport, context: context
                )
            } catch {
                // Every refusal of a channel is a diagnostic at its key already.
                problems.append(error)
            }
        }
        guard problems.isEmpty else { throw ConfigurationError(problems) }
        return result
    }

    /// A diagnostic at `location`, or at the file itself and `path` when the setting was
    /// not read from a file.
    private func diagnostic(_ message: String, at location: ConfigLocation?, path: String) -> ConfigDiagnostic {
        ConfigDiagnostic(.invalidValue, at: location ?? ConfigLocation(file: file, line: 0, column: 0, path: path), message)
    }

    /// Runs `body`, turning what it throws into a diagnostic at `location`.
    private func at<T>(_ location: ConfigLocation?, path: String, _ body: () throws -> T) throws(ConfigDiagnostic) -> T {
        do {
            return try body()
        } catch let problem as ConfigDiagnostic {
            throw problem
        } catch {
            throw diagnostic("\(error)", at: location, path: path)
        }
    }

    private func notifier(
        for channel: ChannelConfig, secrets: ResolvedSecrets, transport: CurlTransport, context: DeliveryContext
    ) throws(ConfigDiagnostic) -> any Notifier {
        func credential(_ reference: SecretReference) throws(ConfigDiagnostic) -> Secret {
            guard let secret = secrets[reference] else {
                throw diagnostic("a secret was not resolved; run slawatch check", at: reference.location, path: reference.location.path)
            }
            return secret
        }
        let path = "channels.\(channel.name)"
        let policy = ChannelPolicy(
            timeout: TimeInterval(channel.timeout),
            rateLimit: channel.rateLimit.map { SendRate(count: $0.count, per: TimeInterval($0.perSeconds)) }
        )
        let encoder: any ChannelEncoder
        switch channel.kind {
        case .log(let file):
            if let problem = LogChannel.appendProblem(file) { throw diagnostic(problem, at: channel.location, path: path) }
            return LogChannel(channel: channel.name, path: file)
        case .email(let relayName, let to, let cc):
            guard let relay = relays[relayName] else {
                throw diagnostic("relay \(relayName) is not defined", at: channel.location, path: path)
            }
            let password = try relay.password.map(credential)
            let smtp = try at(relay.location, path: "relays.\(relay.name)") {
                try SMTPRelay(
                    url: relay.url, security: SMTPRelay.Security(rawValue: relay.tls.rawValue), username: relay.username,
                    password: password, from: relay.from, caFile: relay.caFile
                )
            }
            return try at(channel.location, path: path) {
                try EmailNotifier(channel: channel.name, relay: smtp, to: to, cc: cc, transport: transport, policy: policy, context: context)
            }
        case .webhook(let url, let signingSecret, let headers):
            let url = try credential(url)
            var signer: WebhookSigner?
            if let signingSecret {
                let secret = try credential(signingSecret)
                signer = try at(signingSecret.location, path: signingSecret.location.path) { try WebhookSigner(secret: secret) }
            }
            var values: [String: Secret] = [:]
            for (name, reference) in headers { values[name] = try credential(reference) }
            encoder = try at(channel.location, path: path) { try WebhookEncoder(url: url, signer: signer, headers: values) }
        case .chat(let reference):
            let url = try credential(reference)
            encoder = try at(reference.location, path: reference.location.path) { () throws -> any ChannelEncoder in
                switch channel.type {
                case .slack: try SlackEncoder(url: url)
                case .mattermost: try MattermostEncoder(url: url)
                case .googleChat: try GoogleChatEncoder(url: url)
                case .discord: try DiscordEncoder(url: url)
                case .teams: try TeamsEncoder(url: url)
                case .webhook, .email, .log:
                    throw diagnostic("type \(channel.type.rawValue) takes other settings", at: channel.location, path: path)
                }
            }
        }
        return HTTPNotifier(channel: channel.name, encoder: encoder, transport: transport, policy: policy, context: context)
    }
}
