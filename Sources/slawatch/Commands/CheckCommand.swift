import ArgumentParser
import Foundation
import SLAConfig

/// `slawatch check`: validates a configuration, secrets included.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a configuration and its secrets; print ok, or every error (exit 78)."
    )

    @OptionGroup var options: ConfigOption

    func run() throws {
        let configuration = try options.load()
        do {
            _ = try configuration.resolveSecrets(environment: ProcessInfo.processInfo.environment)
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.config)
        }
        Console.out("ok")
    }
}
