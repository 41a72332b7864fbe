import BusinessTime
import SLAConfig
import SLAEngine
import Testing

/// What valid configurations load as: defaults, values, every source and channel type.
@Suite struct AcceptanceTests {
    static let minimal = """
        calendars:
          office: { timezone: Europe/Berlin, week: { mon-fri: ["09:00-17:00"] } }
        policies:
          - name: standard
            calendar: office
            targets: { any: { first_response: 1h } }
        """

    @Test func minimalConfigurationTakesTheDefaults() throws {
        let configuration = try Configuration.parse(yaml: AcceptanceTests.minimal, file: "slawatch.yaml", baseDirectory: "/etc/slawatch")
        #expect(configuration.file == "slawatch.yaml")
        #expect(configuration.state == "/var/lib/slawatch/state.db")
        #expect(configuration.pollInterval == 60)
        #expect(configuration.listen == "127.0.0.1:9469")
        #expect(configuration.opsChannel == nil)
        #expect(configuration.templates == nil)
        #expect(configuration.sources.isEmpty && configuration.teams.isEmpty)
        #expect(configuration.ladders.isEmpty && configuration.channels.isEmpty && configuration.relays.isEmpty)
        #expect(Set(configuration.calendars.keys) == ["24x7", "office"])
        #expect(configuration.pause == PauseRules())
        #expect(configuration.policies.map(\.calendar.name) == ["office"])
        #expect(configuration.policies.first?.ladder == "default")
        #expect(configuration.secretReferences.isEmpty)
    }

    @Test(arguments: [("90s", 90), ("30m", 1_800), ("1h", 3_600), ("1h30m", 5_400), ("2d", 172_800), ("1d2h3m4s", 93_784)])
    func durations(_ written: String, _ seconds: Int) throws {
        let yaml = AcceptanceTests.minimal.replacingOccurrences(of: "first_response: 1h", with: "first_response: \(written)")
        let configuration = try Configuration.parse(yaml: yaml, file: "slawatch.yaml", baseDirectory: "/etc/slawatch")
        #expect(configuration.policies.first?.targets[nil]?[.firstResponse] == seconds)
    }

    @Test(arguments: [
        ("75%", Threshold.percent(75)), ("87.5%", .percent(87.5)), ("100%", .percent(100)),
        ("breach", .breach(offsetSeconds: 0)), ("breach-1h", .breach(offsetSeconds: -3_600)),
        ("breach+2h", .breach(offsetSeconds: 7_200)), ("breach+1h30m", .breach(offsetSeconds: 5_400)),
    ])
    func thresholds(_ written: String, _ threshold: Threshold) throws {
        let yaml = AcceptanceTests.minimal + "\nladders:\n  default:\n    - { at: \(written), notify: lead }\n"
        let configuration = try Configuration.parse(yaml: yaml, file: "slawatch.yaml", baseDirectory: "/etc/slawatch")
        #expect(configuration.ladders["default"]?.steps.first?.threshold == threshold)
        #expect(configuration.ladders["default"]?.steps.first?.label == written)
    }

    @Test func mergeKeysShareSettings() throws {
        let yaml = AcceptanceTests.minimal + """

            channels:
              leads: &chat { type: slack, url_file: /run/leads, timeout: 5s }
              managers: { <<: *chat, url_file: /run/managers }
            """
        let channels = try Configuration.parse(yaml: yaml, file: "slawatch.yaml", baseDirectory: "/etc/slawatch").channels
        #expect(channels["managers"]?.type == .slack)
        #expect(channels["managers"]?.timeout == 5)
        guard case .chat(let url)? = channels["managers"]?.kind else {
            Issue.record("managers should be a chat channel")
            return
        }
        #expect(url.description == "file /run/managers")
        #expect(url.location.path == "channels.managers.url_file")
    }

    static let full = """
        state: data/state.db
        poll_interval: 2m
        listen: "[::1]:9000"
        ops_channel: hooks
        calendars:
          night:
            timezone: UTC
            week:
              sun-thu: ["22:00-06:00"]
              fri,sat: ["23:00-24:00"]
            holidays:
              - { date: 2026-12-31, hours: ["20:00-22:00"], name: New Year's Eve }
              - { date: 2026-12-25, name: Christmas Day }
        policies:
          - name: standard
            match: { priority: [urgent, high], tags: [vip, security] }
            calendar: night
            targets:
              urgent: { first_response: 15m, next_reply: 1h }
              any: { resolution: 2d }
            ladder: { first_response: fast, any: slow }
        ladders:
          fast:
            all_clear: true
            steps:
              - { at: 50%, notify: [lead, hooks] }
              - { at: breach-10m, customer_notice: update_due }
          slow:
            - { at: 100%, notify: executive, repeat: 1d }
        channels:
          hooks:
            type: webhook
            url_file: $CREDENTIALS_DIRECTORY/hook-url
            secret_file: secrets/whsec
            headers: { X-Api-Key: "${HOOK_KEY}" }
            rate_limit: 20/m
            timeout: 30s
            digest: true
            quiet_hours: night
          mail: { type: email, relay: secure, to: [ops@example.com], cc: "Lead <lead@example.com>" }
          audit: { type: log, path: logs/audit.jsonl }
        relays:
          secure:
            url: "smtps://${SMTP_HOST}:465"
            from: ops@example.com
            ca_file: $CREDENTIALS_DIRECTORY/ca.pem
        sources:
          - name: zd
            type: zendesk
            url: https://example.zendesk.com
            email: agent@example.com
            token_file: secrets/zendesk
            status_map: { hold: on_hold, pending: pending_customer }
            priority_map: { p1: urgent }
            poll_interval: 30s
            stale_after: 10m
            timeout: 8s
            max_pages: 2000
          - name: api
            type: http-json
            url: "${API_URL}/tickets"
            username: bot
            password_file: secrets/api
            items: /data
            fields: { id: /key, customer.tier: /org/plan }
            next: /links/next
          - { name: fd, type: freshdesk, url: "https://example.freshdesk.com", api_key_file: secrets/fd }
          - { name: jsm, type: jira, url: "https://example.atlassian.net", email: bot@example.com, token_file: secrets/jira, jql: "project = HELP",
              group_field: customfield_10050 }
          - { name: zm, type: zammad, url: "https://zammad.example.com", token_file: secrets/zammad }
          - { name: bearer, type: http-json, url: "https://api.example.com", bearer_file: secrets/bearer }
        templates: tmpl
        teams:
          default: { lead: hooks, executive: [mail, audit] }
          night-shift: { match: { group: Night }, lead: [hooks] }
        pause:
          next_reply: []
          resolution: on_hold
        """

    static func loadFull() throws -> Configuration {
        try Configuration.parse(yaml: full, file: "slawatch.yaml", baseDirectory: "/etc/slawatch/", environment: [
            "SMTP_HOST": "mail.example.com", "API_URL": "https://api.example.com",
            "CREDENTIALS_DIRECTORY": "/run/credentials/slawatch.service",
        ])
    }

    @Test func fullTopLevelCalendarAndPolicy() throws {
        let configuration = try AcceptanceTests.loadFull()
        #expect(configuration.state == "/etc/slawatch/data/state.db")
        #expect(configuration.pollInterval == 120)
        #expect(configuration.listen == "[::1]:9000")
        #expect(configuration.opsChannel == "hooks")
        #expect(configuration.templates == "/etc/slawatch/tmpl")

        let night = try #require(configuration.calendars["night"])
        #expect(night.timeZone.secondsFromGMT() == 0)
        #expect(night.week[.sunday] == [TimeWindow(startMinute: 22 * 60, endMinute: 6 * 60)])
        #expect(night.week[.saturday] == [TimeWindow(startMinute: 23 * 60, endMinute: 24 * 60)])
        let eve = LocalDate(year: 2026, month: 12, day: 31)!, christmas = LocalDate(year: 2026, month: 12, day: 25)!
        #expect(night.holidays[eve] == Holiday(date: eve, name: "New Year's Eve", hours: [TimeWindow(startMinute: 20 * 60, endMinute: 22 * 60)]))
        #expect(night.holidays[christmas] == Holiday(date: christmas, name: "Christmas Day"))

        let policy = try #require(configuration.policies.first)
        #expect(policy.match == TicketMatch([.priority: ["urgent", "high"], .tags: ["vip", "security"]]))
        #expect(policy.calendar.name == "night")
        #expect(policy.targets == [.urgent: [.firstResponse: 900, .nextReply: 3_600], nil: [.resolution: 172_800]])
        #expect(policy.ladderName(for: .firstResponse) == "fast")
        #expect(policy.ladderName(for: .resolution) == "slow")

        #expect(configuration.pause[.nextReply].isEmpty)
        #expect(configuration.pause[.resolution] == [.onHold])
        #expect(configuration.pause[.firstResponse] == [.pendingCustomer])
        #expect(configuration.teams.map(\.name) == ["night-shift", "default"])
        #expect(configuration.teams[1].roles == [.lead: ["hooks"], .executive: ["mail", "audit"]])
    }

    @Test func fullLadders() throws {
        let ladders = try AcceptanceTests.loadFull().ladders
        let fast = try #require(ladders["fast"])
        #expect(fast.allClear)
        #expect(fast.steps.map(\.threshold) == [.percent(50), .breach(offsetSeconds: -600)])
        #expect(fast.steps.map(\.notify) == [["lead", "hooks"], []])
        #expect(fast.steps.map(\.customerNotice) == [nil, "update_due"])
        let slow = try #require(ladders["slow"])
        #expect(slow.steps.map(\.repeatEvery) == [86_400])
        #expect(!slow.allClear)
    }

    @Test func fullChannelsAndRelay() throws {
        let configuration = try AcceptanceTests.loadFull()
        let hooks = try #require(configuration.channels["hooks"])
        #expect(hooks.type == .webhook)
        #expect(hooks.rateLimit == RateLimit(count: 20, perSeconds: 60))
        #expect(hooks.timeout == 30 && hooks.digest && hooks.quietHours == "night")
        guard case .webhook(let url, let signing, let headers) = hooks.kind else {
            Issue.record("hooks should be a webhook")
            return
        }
        #expect(url.kind == .file && url.description == "file ${CREDENTIALS_DIRECTORY}/hook-url")
        #expect(signing?.description == "file secrets/whsec")
        #expect(headers["X-Api-Key"]?.description == "${HOOK_KEY}")
        #expect(headers["X-Api-Key"]?.variables == ["HOOK_KEY"])

        guard case .email(let relay, let to, let cc)? = configuration.channels["mail"]?.kind,
              case .log(let path)? = configuration.channels["audit"]?.kind
        else {
            Issue.record("mail should be email, audit a log")
            return
        }
        #expect(relay == "secure" && to == ["ops@example.com"] && cc == ["Lead <lead@example.com>"])
        #expect(path == "/etc/slawatch/logs/audit.jsonl")

        let secure = try #require(configuration.relays["secure"])
        #expect(secure.url == "smtps://mail.example.com:465")
        #expect(secure.tls == .implicit)
        #expect(secure.username == nil && secure.password == nil)
        #expect(secure.caFile == "/run/credentials/slawatch.service/ca.pem")
    }

    @Test func fullSources() throws {
        let configuration = try AcceptanceTests.loadFull()
        let sources = configuration.sources
        #expect(sources.map(\.name) == ["zd", "api", "fd", "jsm", "zm", "bearer"])
        #expect(sources.map(\.type) == [.zendesk, .httpJSON, .freshdesk, .jira, .zammad, .httpJSON])
        #expect(sources.map(\.pollInterval) == [30, 120, 120, 120, 120, 120])
        #expect(sources[0].staleAfter == 600)
        #expect(sources.map(\.timeout) == [8, nil, nil, nil, nil, nil])
        #expect(sources.map(\.maxPages) == [2000, nil, nil, nil, nil, nil])
        #expect(sources[0].mapping == CanonicalMapping(statuses: ["hold": .onHold, "pending": .pendingCustomer], priorities: ["p1": .urgent]))
        guard case .zendesk(let url, let email, let token) = sources[0].kind else {
            Issue.record("zd should be zendesk")
            return
        }
        #expect(url == "https://example.zendesk.com" && email == "agent@example.com" && token.description == "file secrets/zendesk")
        guard case .httpJSON(let api) = sources[1].kind, case .httpJSON(let bearer) = sources[5].kind else {
            Issue.record("api and bearer should be http-json")
            return
        }
        #expect(api.url == "https://api.example.com/tickets")
        #expect(api.items == "/data" && api.next == "/links/next")
        #expect(api.fields == ["id": "/key", "customer.tier": "/org/plan"])
        guard case .basic(let username, _)? = api.authentication, case .bearer? = bearer.authentication else {
            Issue.record("api should log in with basic, bearer with a bearer token")
            return
        }
        #expect(username == "bot")
        guard case .jira(_, _, _, let jql, let groupField) = sources[3].kind else {
            Issue.record("jsm should be jira")
            return
        }
        #expect(jql == "project = HELP")
        #expect(groupField == "customfield_10050")
        #expect(configuration.secretReferences.count == 9)
    }
}
