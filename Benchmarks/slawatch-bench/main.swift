// Release-build benchmarks. Run with `make bench`, or one of them:
//   slawatch-bench clocks [COUNT]   clock evaluation throughput (default 1,000,000 tickets)
//   slawatch-bench tick [COUNT]     one daemon tick with a real state database (default 100,000)
import Foundation

let arguments = CommandLine.arguments.dropFirst()
let which = arguments.first ?? "all"
let count = arguments.dropFirst().first.flatMap { Int($0) }
if which == "clocks" || which == "all" {
    ClockBenchmark.run(count: count ?? 1_000_000)
}
if which == "tick" || which == "all" {
    try await TickBenchmark.run(count: count ?? 100_000)
}
if which == "tick-restart", let directory = arguments.dropFirst(2).first {
    try await TickBenchmark.restart(count: count ?? 100_000, directory: directory)
}
