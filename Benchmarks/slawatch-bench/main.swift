// Release-build benchmarks. Run with `make bench`, or one of them:
//   slawatch-bench clocks [COUNT]   clock evaluation throughput (default 1,000,000 tickets)
//   slawatch-bench tick [COUNT]     one daemon tick with a real state database (default 100,000)
//   slawatch-bench tick-notices [COUNT]   the same with a customer delay notice at breach
//   slawatch-bench tick-first [COUNT], tick-notices-first [COUNT]   only the first tick, for profiling
//   slawatch-bench tick-postgres COUNT URL   the tick with the state in an empty PostgreSQL database (scripts/bench-postgres.sh)
//   slawatch-bench wording [COUNT]   µs per message worded with the default templates (default 20,000)
//   slawatch-bench tick-first-without-outcomes [COUNT]   the first tick recording no clock outcomes, for comparison
//   slawatch-bench backlog [COUNT] [single]   a restarted daemon draining COUNT notices to a `log` channel
//                                             (default 100,000); `single`: one line an attempt
//   slawatch-bench backlog-postgres COUNT URL   the same with the state in an empty PostgreSQL database
//   slawatch-bench status-page [CLOCKS] [PATH]   GET /status with CLOCKS open clocks at risk (default 2,000);
//                                                 PATH receives the page, for scripts/bench-status-page.py
import Foundation
import Service

// As the daemon (`slawatch run`) does.
LargeAllocations.returnToSystemWhenFreed()

let arguments = Array(CommandLine.arguments.dropFirst())
let which = arguments.count > 0 ? arguments[0] : "all"
let count = arguments.count > 1 ? Int(arguments[1]) : nil
// Each benchmark in a process of its own, so the peak memory each reports is its own.
if which == "all" {
    for benchmark in ["clocks", "wording", "tick", "tick-notices", "backlog"] { try runSelf([benchmark]) }
}
if which == "tick" || which == "tick-notices" {
    try await TickBenchmark.run(count: count ?? 100_000, notices: which == "tick-notices")
}
/// Runs a benchmark on PostgreSQL: a failure is said in one line and ends the run with a
/// status, instead of the runtime's report of an error thrown out of the program.
func onPostgres(_ name: String, _ body: () async throws -> Void) async {
    do {
        try await body()
    } catch {
        FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
        exit(1)
    }
}
if which == "tick-postgres", arguments.count > 2 {
    await onPostgres(which) { try await TickBenchmark.postgres(count: count ?? 100_000, url: arguments[2]) }
}
if which == "wording" {
    try WordingBenchmark.run(count: count ?? 20_000)
}
if which == "status-page" {
    try StatusPageBenchmark.run(clocks: count ?? 2000, writeTo: arguments.count > 2 ? arguments[2] : nil)
}
if which == "backlog-postgres", arguments.count > 2 {
    await onPostgres(which) { try await BacklogBenchmark.postgres(count: count ?? 20_000, url: arguments[2]) }
}
if which == "backlog" {
    try await BacklogBenchmark.run(count: count ?? 100_000, single: arguments.dropFirst(2).first == "single")
}
if which == "clocks" {
    ClockBenchmark.run(count: count ?? 1_000_000)
}
if which == "tick-first-without-outcomes" {
    try await TickBenchmark.run(count: count ?? 100_000, notices: false, restarting: false, outcomes: false)
}
if which == "tick-first" || which == "tick-notices-first" {
    try await TickBenchmark.run(count: count ?? 100_000, notices: which == "tick-notices-first", restarting: false)
}
if which == "tick-restart", arguments.count > 2 {
    try await TickBenchmark.restart(count: count ?? 100_000, notices: arguments.dropFirst(3).first == "notices", directory: arguments[2])
}
