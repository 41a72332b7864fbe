import ArgumentParser

/// The `slawatch` command line.
@main
struct Slawatch: AsyncParsableCommand {
    /// The version reported by `--version` and the `slawatch_build_info` metric.
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "slawatch",
        abstract: "Watches support tickets for SLA risk and breach, and tells the right people in time.",
        version: version,
        subcommands: [RunCommand.self, CheckCommand.self, EvaluateCommand.self, ExplainCommand.self, RenderCommand.self, TestNotifyCommand.self,
                      ReportCommand.self, StateCommand.self, AckCommand.self, SilenceCommand.self]
    )
}

/// Exit statuses from sysexits.h, as systemd and shell scripts expect them.
enum ExitStatus {
    static let usage: Int32 = 64
    static let noInput: Int32 = 66
    static let unavailable: Int32 = 69
    static let noPermission: Int32 = 77
    static let config: Int32 = 78
}
