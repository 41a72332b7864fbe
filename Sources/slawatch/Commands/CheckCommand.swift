import ArgumentParser
import Foundation
import Daemon
import SLAConfig

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
        var problems: [String] = []
        do {
            _ = try configuration.resolveSecrets(environment: ProcessInfo.processInfo.environment)
        } catch {
            problems.append(error.description)
        }
        do {
            _ = try MessageTemplates(directory: configuration.templates)
        } catch {
            problems.append(error.description)
        }
        problems += MessageTemplates.unknownNotices(in: configuration.ladders).map { "\(options.config): \($0)" }
        guard problems.isEmpty else {
            Console.error(problems.joined(separator: "\n"))
            throw ExitCode(ExitStatus.config)
        }
        Console.out("ok")
    }
}
