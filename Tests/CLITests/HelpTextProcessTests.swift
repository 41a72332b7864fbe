import Foundation
import Testing

/// `slawatch … --help` reads as prose: every command's overview is wrapped by the argument
/// parser alone, so a line ends only where the next word would not fit (a line break
/// written into a description used to leave lines of one or two words).
@Suite struct HelpTextProcessTests {
    /// The longest line the argument parser writes in 80 columns (the last left free); the
    /// width is set through `COLUMNS`, which it reads before the terminal's.
    static let width = 79
    static let environment = ["COLUMNS": "80"]

    /// Every command and subcommand, found from the help's own lists.
    static func commands(under path: [String] = []) throws -> [[String]] {
        let help = try SlawatchProcess.run(path + ["--help"], environment: environment).stdout
        var found: [[String]] = [path]
        var listing = false
        for line in help.components(separatedBy: "\n") {
            if line == "SUBCOMMANDS:" {
                listing = true
                continue
            }
            guard listing else { continue }
            let words = line.split(separator: " ")
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = words.first, !line.contains("See '") else {
                if line.isEmpty { listing = false }
                continue
            }
            // A default subcommand is listed with "(default)".
            found += try commands(under: path + [String(name)])
        }
        return found
    }

    @Test func everyOverviewBreaksALineOnlyWhereTheNextWordWouldNotFit() throws {
        let commands = try HelpTextProcessTests.commands()
        #expect(commands.contains(["state", "copy"]) && commands.contains(["silence", "add"]) && commands.contains(["run"]),
                "\(commands)")
        for command in commands {
            let help = try SlawatchProcess.run(command + ["--help"], environment: HelpTextProcessTests.environment)
            #expect(help.status == 0)
            let overview = help.stdout.components(separatedBy: "\nUSAGE:")[0].components(separatedBy: "\n")
            for (line, next) in zip(overview, overview.dropFirst()) where !line.isEmpty && !next.isEmpty {
                let word = next.split(separator: " ").first.map(String.init) ?? ""
                #expect(line.count + 1 + word.count > HelpTextProcessTests.width,
                        "slawatch \(command.joined(separator: " ")) --help: \"\(line)\" ends before \"\(word)\", which fits")
            }
        }
    }
}
