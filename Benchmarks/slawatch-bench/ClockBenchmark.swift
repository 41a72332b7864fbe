import BusinessTime
import Foundation
import SLAEngine

/// clock-evaluation: synthetic open tickets on a New York business calendar with
/// holidays, three policies (one matching every ticket, two matching some), pauses on a
/// share of them; every clock of every ticket evaluated on one core.
enum ClockBenchmark {
    static func run(count: Int) {
        let tickets = syntheticTickets(count: count, now: benchmarkNow)
        // Warm the calendar's span table so the figure is steady-state evaluation.
        _ = engine.clocks(for: tickets[0], at: benchmarkNow)
        let start = ContinuousClock.now
        var clocksEvaluated = 0
        var breached = 0
        for ticket in tickets {
            let clocks = engine.clocks(for: ticket, at: benchmarkNow)
            clocksEvaluated += clocks.count
            for clock in clocks where clock.state == .breached { breached += 1 }
        }
        let seconds = (ContinuousClock.now - start).seconds
        print("clock-evaluation: \(count) tickets, \(clocksEvaluated) clocks (\(breached) breached) in "
            + String(format: "%.3f s", seconds) + " on one core")
        print(String(format: "clock-evaluation: %.0f clock evaluations/s, %.0f tickets/s, peak RSS %.0f MiB",
                     Double(clocksEvaluated) / seconds, Double(count) / seconds, peakResidentMiB()))
    }
}

/// 2026-11-18T08:26:40Z, a Wednesday.
let benchmarkNow = Date(timeIntervalSince1970: 1_795_000_000)

/// Open tickets up to 14 days old, a quarter of them with a spell waiting on the customer.
func syntheticTickets(count: Int, now: Date) -> [Ticket] {
    var rng = SplitMix64(state: 42)
    let priorities: [TicketPriority] = [.urgent, .high, .normal, .normal, .low]
    var tickets: [Ticket] = []
    tickets.reserveCapacity(count)
    for i in 0..<count {
        let age = Double(Int.random(in: 60...(14 * 86_400), using: &rng))
        let created = now.addingTimeInterval(-age)
        var ticket = Ticket(
            id: "T-\(i)", subject: "Synthetic ticket \(i)",
            customer: Customer(id: "c\(i % 5000)", email: "c\(i % 5000)@example.com", tier: i % 7 == 0 ? "enterprise" : nil),
            priority: priorities[i % priorities.count], status: .open, tags: i % 11 == 0 ? ["security"] : [],
            createdAt: created
        )
        if i % 4 == 0 {
            let pausedAt = created.addingTimeInterval(age / 4)
            ticket.events = [
                TicketEvent(at: pausedAt, .status(.pendingCustomer)),
                TicketEvent(at: pausedAt.addingTimeInterval(age / 8), .status(.open)),
            ]
        }
        tickets.append(ticket)
    }
    return tickets
}

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs this benchmark binary again with `arguments`, in a new process, and waits for it.
func runSelf(_ arguments: [String]) throws {
    fflush(nil)  // every stream: the child writes to the same terminal
    let child = Process()
    child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    child.arguments = arguments
    try child.run()
    child.waitUntilExit()
}

/// The process's peak resident memory (VmHWM), which, unlike getrusage's maxrss on Linux,
/// starts afresh in a process started by another.
func peakResidentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return 0 }
    return kib / 1024
}

func window(_ text: String) -> TimeWindow { try! TimeWindow(parsing: text) }

let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]
let holidays = [
    "2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-07-03", "2026-09-07",
    "2026-11-26", "2026-11-27", "2026-12-25", "2027-01-01",
].map { Holiday(date: LocalDate(iso: $0)!) } + [Holiday(date: LocalDate(iso: "2026-12-24")!, hours: [window("09:00-13:00")])]
let office = BusinessCalendar(
    name: "us-office", timeZone: TimeZone(identifier: "America/New_York")!,
    week: WeeklySchedule(Dictionary(uniqueKeysWithValues: weekdays.map { ($0, [window("09:00-17:00")]) })),
    holidays: holidays
)
let ladder = EscalationLadder(name: "default", steps: [
    LadderStep(label: "75%", threshold: .percent(75), notify: ["lead"]),
    LadderStep(label: "90%", threshold: .percent(90), notify: ["manager"]),
    LadderStep(label: "breach", threshold: .breach(offsetSeconds: 0), notify: ["manager", "director"]),
    LadderStep(label: "breach+2h", threshold: .breach(offsetSeconds: 7200), notify: ["director"], repeatEvery: 7200),
])
let engine = SLAEngine(
    policies: [
        Policy(name: "standard", calendar: office, targets: [
            .urgent: [.firstResponse: 1800, .resolution: 4 * 3600],
            .high: [.firstResponse: 3600, .resolution: 8 * 3600],
            .normal: [.firstResponse: 4 * 3600, .resolution: 24 * 3600],
            .low: [.firstResponse: 24 * 3600],
        ]),
        Policy(name: "enterprise", match: TicketMatch([.customerTier: ["enterprise"]]), calendar: office,
               targets: [nil: [.firstResponse: 3600, .resolution: 16 * 3600]]),
        Policy(name: "security", match: TicketMatch([.tags: ["security"]]), targets: [nil: [.firstResponse: 3600]]),
    ],
    pause: PauseRules([.resolution: [.pendingCustomer, .onHold]]),
    ladders: ["default": ladder]
)


/// CPU seconds (user and system) the process has used so far, every thread together: on a
/// busy machine it says what the work costs when wall time cannot.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
