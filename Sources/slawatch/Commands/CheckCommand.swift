import Transport
import ArgumentParser
import Foundation
import Daemon
import Delivery
import SLAConfig
import Service

/// `slawatch check`: validates a configuration, secrets included.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a configuration, its secrets and its templates; print ok, or every error (exit 78)."
    )

    @OptionGroup var options: ConfigOption

    func run() throws {
        let configuration = try options.load()
        for warning in configuration.warnings {
            Console.error("\(warning.location): warning: \(warning.message)")
        }
        let transport: CurlTransport
        do {
            transport = try CurlTransport()
        } catch {
            Console.error("cannot start the HTTP and SMTP transport: \(error)")
            throw ExitCode(ExitStatus.unavailable)
        }
        defer { transport.shutdown() }
        // The same wiring run does, so what check passes, run starts with.
        do {
            _ = try Wiring.build(configuration, environment: ProcessInfo.processInfo.environment, transport: transport, store: nil)
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.config)
        }
        // Run binds `listen` before its first tick; a host this machine does not have (or a
        // name that does not resolve) is refused here too. Not the port: the daemon running
        // beside this check holds it.
        do {
            try ListenAddress(parsing: configuration.listen).probeHost()
        } catch {
            Console.error("\(options.config): \(error)")
            throw ExitCode(ExitStatus.config)
        }
        Console.out("ok")
    }
}
