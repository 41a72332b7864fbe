import Foundation
import Testing

/// `slawatch report --tickets` as a process. Every expected figure is worked out by hand
/// from the fixture's tickets (below), never by the code under test.
///
/// The clocks the period counts (business time; US office 09:00–17:00 New York with
/// Thanksgiving closed, Berlin 09:00–17:00 weekdays and Sunday 00:00–06:00):
///
/// | clock     | prio   | team    | tier       | state    | business s | past due | counts   | UTC week | Berlin week |
/// |-----------|--------|---------|------------|----------|-----------:|---------:|----------|----------|-------------|
/// | T1 first  | urgent | billing | enterprise | met      |  1800      |          | 11-23    | W48      | W48 |
/// | T2 first  | urgent | billing | enterprise | missed   |  5400      | 1800     | 11-25    | W48      | W48 |
/// | T3 first  | high   | default | enterprise | missed   |  9000 (Thanksgiving skipped) | 1800 | 11-27 | W48 | W48 |
/// | T3 resol. | high   | default | enterprise | breached | (due Fri 15:00 EST, not Thu) |  | 11-27 | W48 | W48 |
/// | T4 first  | normal | default | business   | met      | 13500      |          | 11-30    | W49      | W49 |
/// | T5 first  | normal | billing | business   | met      |  3600      |          | 11-23    | W48      | W48 |
/// | T6 first  | normal | default | —          | breached |            |          | 11-24    | W48      | W48 |
/// | T7 first  | high   | billing | business   | missed   | 10800      | 3600     | 11-16    | W47      | W47 |
/// | T7 resol. | high   | billing | business   | missed   | 32400      | 3600     | 11-17    | W47      | W47 |
/// | E1 first  | normal | default | enterprise | missed   | 24300 (the 7-hour DST Sunday) | 9900 | 10-25 | W43 | W43 |
/// | E2 first  | normal | default | enterprise | missed   | 34200 (2 h Fri + 7 h Sun + 30 m Mon) | 19800 | 10-26 | W44 | W44 |
/// | E3 first  | normal | default | enterprise | met      |  3600      |          | 10-26    | W44      | W44 |
/// | E4 first  | normal | default | enterprise | met      |  3600      |          | 10-25 23:30Z | W43  | W44 (Mon 00:30 CET) |
///
/// Percentiles are nearest-rank: the value at rank ⌈p/100 × n⌉ of the sorted durations.
@Suite struct ReportCommandTests {
    let config = SlawatchProcess.fixture("report/slawatch.yaml")
    let tickets = SlawatchProcess.fixture("report/tickets.json")

    func report(_ extra: [String], format: String = "json") throws -> SlawatchProcess.Result {
        try SlawatchProcess.run([
            "report", "--config", config, "--tickets", tickets, "--since", "2026-10-19T00:00:00Z",
            "--until", "2026-12-01T00:00:00Z", "--at", "2026-12-01T00:00:00Z", "--format", format,
        ] + extra)
    }

    func json(_ extra: [String]) throws -> [String: Any] {
        let result = try report(extra)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// measured, achieved, breached, achieved_pct, p50, p90, overshoot_avg (nil for null).
    typealias Figures = (Int, Int, Int, Double?, Int?, Int?, Double?)

    func expectFigures(_ object: [String: Any]?, _ f: Figures, _ label: String) {
        guard let object else { Issue.record("no figures for \(label)"); return }
        #expect(object["measured"] as? Int == f.0, "\(label) measured")
        #expect(object["achieved"] as? Int == f.1, "\(label) achieved")
        #expect(object["breached"] as? Int == f.2, "\(label) breached")
        #expect((object["achieved_pct"] as? Double) == f.3, "\(label) achieved_pct")
        #expect((object["p50_seconds"] as? Int) == f.4, "\(label) p50")
        #expect((object["p90_seconds"] as? Int) == f.5, "\(label) p90")
        #expect((object["overshoot_avg_seconds"] as? Double) == f.6, "\(label) overshoot")
        for key in ["achieved_pct", "p50_seconds", "p90_seconds", "overshoot_avg_seconds"] {
            #expect(object[key] != nil, "\(label): \(key) is present, null when there is no value")
        }
    }

    func rows(_ object: [String: Any]) -> [[String: Any]] { object["rows"] as? [[String: Any]] ?? [] }

    func groups(_ object: [String: Any]) -> [[String: String?]] {
        rows(object).map { row in (row["group"] as? [String: Any] ?? [:]).mapValues { $0 as? String } }
    }

    // 13 clocks: 5 met, 6 missed, 2 open past due. Fulfilled durations sorted:
    // 1800 3600 3600 3600 5400 9000 10800 13500 24300 32400 34200 (n = 11): p50 rank 6 = 9000,
    // p90 rank 10 = 32400. Overshoot (1800+1800+3600+3600+9900+19800) / 6 = 6750.
    static let total: Figures = (13, 5, 8, 38.5, 9000, 32_400, 6750)

    @Test func jsonKeysAreTheContractsAndTheTotalIsRecomputedByHand() throws {
        let object = try json(["--by", "priority"])
        #expect(Set(object.keys) == ["since", "until", "by", "rows", "total", "credits"])
        #expect(object["since"] as? String == "2026-10-19T00:00:00Z")
        #expect(object["until"] as? String == "2026-12-01T00:00:00Z")
        #expect(object["by"] as? [String] == ["priority"])
        for row in rows(object) {
            #expect(Set(row.keys) == [
                "group", "measured", "achieved", "breached", "achieved_pct", "p50_seconds", "p90_seconds", "overshoot_avg_seconds",
            ])
        }
        let total = try #require(object["total"] as? [String: Any])
        #expect(Set(total.keys) == ["measured", "achieved", "breached", "achieved_pct", "p50_seconds", "p90_seconds", "overshoot_avg_seconds"])
        expectFigures(total, Self.total, "total")
        for credit in object["credits"] as? [[String: Any]] ?? [] {
            #expect(Set(credit.keys) == ["customer", "tier", "measured", "achieved_pct", "credit_pct"])
        }
    }

    @Test func byPriority() throws {
        let object = try json(["--by", "priority"])
        #expect(groups(object) == [["priority": "urgent"], ["priority": "high"], ["priority": "normal"]])
        let r = rows(object)
        // urgent: T1 met 1800, T2 missed 5400 (+1800).
        expectFigures(r[0], (2, 1, 1, 50.0, 1800, 5400, 1800), "urgent")
        // high: T3 first missed 9000 (+1800), T3 resolution open past due, T7 missed 10800 (+3600)
        // and 32400 (+3600): p50 rank 2 of 3 = 10800, p90 rank 3 = 32400, overshoot 9000 / 3.
        expectFigures(r[1], (4, 0, 4, 0.0, 10_800, 32_400, 3000), "high")
        // normal: met 13500, 3600, 3600, 3600; missed 24300 (+9900), 34200 (+19800); T6 open
        // past due. 4 of 7 = 57.1%; sorted 3600 3600 3600 13500 24300 34200: rank 3, rank 6.
        expectFigures(r[2], (7, 4, 3, 57.1, 3600, 34_200, 14_850), "normal")
        expectFigures(object["total"] as? [String: Any], Self.total, "total")
    }

    @Test func byWeekInUTCAndInBerlinWhereSummerTimeEnds() throws {
        let utc = try json(["--by", "week"])
        #expect(groups(utc) == [["week": "2026-W43"], ["week": "2026-W44"], ["week": "2026-W47"], ["week": "2026-W48"], ["week": "2026-W49"]])
        var r = rows(utc)
        // W43: E1 missed 24300 (+9900), E4 met 3600 (its reply is Sunday 23:30 UTC).
        expectFigures(r[0], (2, 1, 1, 50.0, 3600, 24_300, 9900), "utc W43")
        // W44: E2 missed 34200 (+19800), E3 met 3600.
        expectFigures(r[1], (2, 1, 1, 50.0, 3600, 34_200, 19_800), "utc W44")
        expectFigures(r[2], (2, 0, 2, 0.0, 10_800, 32_400, 3600), "utc W47")
        // W48: T1 1800, T5 3600 met; T2 5400, T3 9000 missed (+1800 each); T3 resolution, T6 open.
        expectFigures(r[3], (6, 2, 4, 33.3, 3600, 9000, 1800), "utc W48")
        expectFigures(r[4], (1, 1, 0, 100.0, 13_500, 13_500, nil), "utc W49")

        let berlin = try json(["--by", "week", "--calendar", "berlin-sunday"])
        r = rows(berlin)
        // E4's reply is Monday 00:30 in Berlin: week 44 there.
        expectFigures(r[0], (1, 0, 1, 0.0, 24_300, 24_300, 9900), "berlin W43")
        expectFigures(r[1], (3, 2, 1, 66.7, 3600, 34_200, 19_800), "berlin W44")
        expectFigures(berlin["total"] as? [String: Any], Self.total, "berlin total")
    }

    @Test func byTeamAndTierWithAMissingTierLast() throws {
        let object = try json(["--by", "team,tier"])
        #expect(groups(object) == [
            ["team": "billing", "tier": "business"], ["team": "billing", "tier": "enterprise"],
            ["team": "default", "tier": "business"], ["team": "default", "tier": "enterprise"], ["team": "default", "tier": nil],
        ])
        let r = rows(object)
        expectFigures(r[0], (3, 1, 2, 33.3, 10_800, 32_400, 3600), "billing business")
        expectFigures(r[1], (2, 1, 1, 50.0, 1800, 5400, 1800), "billing enterprise")
        expectFigures(r[2], (1, 1, 0, 100.0, 13_500, 13_500, nil), "default business")
        // T3 first 9000 (+1800), T3 resolution open, E1 24300 (+9900), E2 34200 (+19800), E3, E4
        // 3600 met: sorted 3600 3600 9000 24300 34200, rank 3 and 5; overshoot 31500 / 3.
        expectFigures(r[3], (6, 2, 4, 33.3, 9000, 34_200, 10_500), "default enterprise")
        expectFigures(r[4], (1, 0, 1, 0.0, nil, nil, nil), "default, no tier")
    }

    @Test func serviceCreditsPerTier() throws {
        let object = try json([])
        let credits = try #require(object["credits"] as? [[String: Any]])
        // acme: T1, T2, T3 ×2, 1 met of 4 = 25%: 70.5 points below 95.5% → 70 × 1% = 70%, capped at 50%.
        // hooli: E1–E4, 2 of 4 = 50%: 45.5 below → 45 whole points → 45%.
        // globex: T4, T5, T7 ×2, 2 of 4 = 50%: 10 below 60% → 10 × 2.5% = 25%. initech has no tier.
        #expect(credits.map { $0["customer"] as? String } == ["acme", "hooli", "globex"])
        #expect(credits.map { $0["tier"] as? String } == ["enterprise", "enterprise", "business"])
        #expect(credits.map { $0["measured"] as? Int } == [4, 4, 4])
        #expect(credits.map { $0["achieved_pct"] as? Double } == [25.0, 50.0, 50.0])
        #expect(credits.map { $0["credit_pct"] as? Double } == [50.0, 45.0, 25.0])
        // Without grouping there is one row, and it is the total.
        #expect(groups(object) == [[:]])
        expectFigures(rows(object).first, Self.total, "ungrouped row")
    }

    @Test func csvOpensWithPythonsCSVModuleWithItsFixedHeader() throws {
        let result = try report(["--by", "priority,metric"], format: "csv")
        #expect(result.status == 0, "\(result.stderr)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("report.csv")
        try Data(result.stdout.utf8).write(to: file)
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline="") as f:
                rows = list(csv.DictReader(f))
                f.seek(0)
                header = next(csv.reader(f))
            print(json.dumps({"header": header, "rows": rows}))
            """
        let parsed = try SlawatchProcess.runTool("/usr/bin/python3", ["-c", script, file.path])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [String: Any])
        #expect(object["header"] as? [String] == [
            "section", "priority", "group", "channel", "tier", "metric", "customer", "team", "week", "measured", "achieved",
            "breached", "achieved_pct", "p50_seconds", "p90_seconds", "overshoot_avg_seconds", "credit_pct",
        ])
        let rows = try #require(object["rows"] as? [[String: String]])
        func row(_ section: String, _ priority: String = "", _ metric: String = "") -> [String: String]? {
            rows.first { $0["section"] == section && $0["priority"] == priority && $0["metric"] == metric }
        }
        // high first_response: T3 9000 (+1800), T7 10800 (+3600): both missed.
        let high = try #require(row("row", "high", "first_response"))
        #expect([high["measured"], high["achieved"], high["breached"], high["achieved_pct"]] == ["2", "0", "2", "0.0"])
        #expect([high["p50_seconds"], high["p90_seconds"], high["overshoot_avg_seconds"]] == ["9000", "10800", "2700.0"])
        // high resolution: T3 open past due, T7 missed 32400 (+3600).
        let resolution = try #require(row("row", "high", "resolution"))
        #expect([resolution["measured"], resolution["breached"], resolution["p50_seconds"]] == ["2", "2", "32400"])
        let total = try #require(row("total"))
        #expect([total["measured"], total["achieved"], total["achieved_pct"], total["p50_seconds"], total["p90_seconds"]]
            == ["13", "5", "38.5", "9000", "32400"])
        #expect(total["overshoot_avg_seconds"] == "6750.0")
        let credits = rows.filter { $0["section"] == "credit" }
        #expect(credits.map { $0["customer"] } == ["acme", "hooli", "globex"])
        #expect(credits.map { $0["credit_pct"] } == ["50.0", "45.0", "25.0"])
        #expect(rows.filter { $0["section"] == "row" }.count == 4)
    }

    /// Ungrouped, JSON had its one row equal to the total and CSV only the total line: a
    /// reader of `row` lines got nothing.
    @Test func anUngroupedCSVHasItsOneRowLikeJSON() throws {
        let result = try report([], format: "csv")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\r\n").map(String.init)
        let row = try #require(lines.first { $0.hasPrefix("row,") }, "\(result.stdout)")
        let total = try #require(lines.first { $0.hasPrefix("total,") })
        #expect(row.dropFirst(4) == total.dropFirst(6), "\(row) against \(total)")
    }

    /// A group named with a newline (helpdesks allow it) broke its row in two.
    @Test func aControlCharacterInAGroupKeepsItsTableRowOnOneLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-report-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("tickets.json").path
        try #"""
            [{"id": "N1", "priority": "urgent", "group": "Billing\nEMEA", "channel": "email", "status": "open", "tags": ["us"],
              "customer": {"id": "a\tb"}, "created_at": "2026-11-23T14:00:00Z", "first_response_at": "2026-11-23T14:30:00Z"}]
            """#.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try SlawatchProcess.run([
            "report", "--config", config, "--tickets", file, "--since", "2026-11-01T00:00:00Z",
            "--until", "2026-12-01T00:00:00Z", "--at", "2026-12-01T00:00:00Z", "--format", "table", "--by", "group,customer",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("GROUP") }, "\(result.stdout)")
        // The header, the group's one row, the total.
        #expect(lines[header + 1].hasPrefix(#"Billing\nEMEA  a\tb "#), "\(result.stdout)")
        #expect(lines[header + 2].hasPrefix("TOTAL"), "\(result.stdout)")
    }

    @Test func tableAndHTMLForPeople() throws {
        let table = try report(["--by", "priority"], format: "table")
        #expect(table.status == 0)
        #expect(table.stdout.contains("urgent"))
        #expect(table.stdout.contains("38.5%"))
        #expect(table.stdout.contains("acme"))
        let html = try report(["--by", "week"], format: "html")
        #expect(html.status == 0)
        #expect(html.stdout.hasPrefix("<!DOCTYPE html>"))
        #expect(html.stdout.contains("<svg"))
        #expect(html.stdout.contains("2026-W48"))
        // Self-contained: no script, no link, no source from elsewhere.
        for external in ["<script", "<link", "src=", "url(", "@import"] { #expect(!html.stdout.contains(external), "\(external)") }
    }
}
