import ArgumentParser

/// The `slawatch` command line.
@main
struct Slawatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slawatch",
        abstract: "Watches support tickets for SLA risk and breach, and tells the right people in time.",
        subcommands: [RunCommand.self, CheckCommand.self, EvaluateCommand.self, ExplainCommand.self, RenderCommand.self, TestNotifyCommand.self]
    )
}

/// Exit statuses from sysexits.h, as systemd and shell scripts expect them.
enum ExitStatus {
    static let usage: Int32 = 64
    static let noInput: Int32 = 66
    static let unavailable: Int32 = 69
    static let config: Int32 = 78
}
