import ArgumentParser
import Daemon
import Delivery
import Foundation
import SLAConfig
import SLAEngine
import Transport

/// `slawatch test-notify`: one sample message through one channel, for wiring a webhook.
struct TestNotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-notify",
        abstract: "Send a sample message through a channel and print the receiver's answer.",
        discussion: "Exit 0 when the receiver took it (every recipient, for mail), 69 when it did not, 78 on a configuration error."
    )

    @OptionGroup var options: ConfigOption

    @Argument(help: "The channel, as named under channels.")
    var channel: String

    @Option(help: "For an email channel: the one address to send to, in place of its `to` and `cc` (a channel without `to`, such as customers, needs one).")
    var to: String?

    func run() async throws {
        var configuration = try options.load()
        guard let chosen = configuration.channels[channel] else {
            Console.error("\(options.config): no channel is named \(channel); "
                + "defined: \(configuration.channels.keys.sorted().joined(separator: ", "))")
            // The argument is wrong, not the configuration.
            throw ExitCode(ExitStatus.usage)
        }
        if let to, MailAddress(parsing: to) == nil {
            Console.error("--to: \"\(to)\" is not a mail address; write one such as --to you@example.com")
            throw ExitCode(ExitStatus.usage)
        }
        if to != nil {
            guard case .email(let relay, let recipients, _) = chosen.kind else {
                Console.error("--to is for email channels; \(channel) is a \(chosen.type.rawValue) channel, which sends where "
                    + "its configuration says; leave out --to")
                throw ExitCode(ExitStatus.usage)
            }
            // The test goes to that one address: the channel's copies are left out too.
            configuration.channels[channel]?.kind = .email(relay: relay, to: recipients, cc: [])
        }
        if case .email(_, let recipients, _)? = configuration.channels[channel]?.kind, recipients.isEmpty, to == nil {
            Console.error("channel \(channel) sends to each ticket's customer, so a test message has no recipient; "
                + "pass --to ADDRESS to choose one, such as --to you@example.com")
            throw ExitCode(ExitStatus.usage)
        }
        let notifier: any Notifier
        let transport: CurlTransport
        do {
            let secrets = try configuration.resolveSecrets(environment: ProcessInfo.processInfo.environment)
            transport = try CurlTransport()
            // A notifier makes one attempt: the operator sees the receiver's own answer.
            notifier = try configuration.notifiers(secrets: secrets, transport: transport)[channel]!
        } catch let error as ConfigurationError {
            Console.error(error.description)
            throw ExitCode(ExitStatus.config)
        } catch {
            Console.error("\(options.config): \(error)")
            throw ExitCode(ExitStatus.config)
        }
        defer { transport.shutdown() }
        let now = Date()
        let message = OutboundMessage(
            key: "test-notify/\(channel)/\(Int64(now.timeIntervalSince1970))", channel: channel, role: nil,
            audience: .team, isUrgent: false, subject: "[slawatch] test message for \(channel)",
            text: "This is a test message from slawatch test-notify, sent at \(Timestamp(now)).\n"
                + "If you can read it here, the channel is wired correctly.",
            recipients: to.map { [$0] } ?? [], createdAt: now
        )
        let outcome = await notifier.deliver(message)
        Console.out(outcome.description)
        for recipient in outcome.recipients { Console.out("  \(recipient)") }
        // A recipient refused is what a test is for: only a message taken whole is a success.
        guard outcome.status == .delivered else { throw ExitCode(ExitStatus.unavailable) }
    }
}
