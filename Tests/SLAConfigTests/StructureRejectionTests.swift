import Foundation
import SLAConfig
import Testing

/// Keys that do not belong, values of the wrong shape, YAML that does not parse.
@Suite struct StructureRejectionTests {
    static let cases: [Rejection] = [
        Rejection("unknown top-level key", """
            pol_interval: 60s
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            """, at: 1, 1, "pol_interval", says: "unknown key", "did you mean poll_interval?", "valid keys are state, poll_interval"),
        Rejection("unknown key in a policy", """
            calendars:
              office: { timezone: Europe/Berlin, week: { mon-fri: ["09:00-17:00"] } }
            policies:
              - name: standard
                calender: office
                targets: { any: { first_response: 1h } }
            """, at: 5, 5, "policies[0].calender", says: "unknown key for a policy", "did you mean calendar?"),
        Rejection("unknown match field", """
            policies:
              - name: enterprise
                match: { customer.plan: enterprise }
                targets: { any: { first_response: 1h } }
            """, at: 3, 14, "policies[0].match.customer.plan",
            says: "unknown key", "customer.tier, customer.id, customer.name, group, tags, priority, channel, assignee"),
        Rejection("key of another channel type", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            relays:
              main: { url: "smtp://smtp.example.com:587", from: support@example.com }
            channels:
              director: { type: email, relay: main, url_file: /run/director }
            """, at: 7, 41, "channels.director.url_file", says: "unknown key for a channel of type email", "valid keys are type, digest"),
        Rejection("list where a mapping belongs", """
            calendars:
              - office
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            """, at: 2, 3, "calendars", says: "expected a mapping", "found a list", "key: value"),
        Rejection("mapping where a list belongs", """
            policies:
              name: standard
              targets: { any: { first_response: 1h } }
            """, at: 2, 3, "policies", says: "expected a list of policies", "found a mapping", "\"- \""),
        Rejection("text where a mapping belongs", """
            policies:
              - name: standard
                targets: 1h
            """, at: 3, 14, "policies[0].targets", says: "expected a mapping", "found text"),
        Rejection("a file that is a list", """
            - name: standard
              targets: { any: { first_response: 1h } }
            """, at: 1, 1, "", says: "expected a mapping, found a list", "key: value"),
        Rejection("an empty file", "# nothing yet\n", at: 1, 1, "policies", says: "is missing", "add policies:"),
        Rejection("merge key that names text", """
            policies:
              - <<: standard
                name: standard
                targets: { any: { first_response: 1h } }
            """, at: 2, 9, "policies[0].<<", says: "a merge key (<<) takes a mapping", "<<: *defaults"),
        Rejection("missing policies", """
            listen: 127.0.0.1:9469
            """, at: 1, 1, "policies", says: "is missing", "add policies:"),
        Rejection("policy without targets", """
            policies:
              - name: standard
                calendar: 24x7
            """, at: 2, 5, "policies[0].targets", says: "is missing", "add targets:"),
        Rejection("a calendar named 24x7", """
            calendars:
              24x7: { timezone: UTC, week: { mon-sun: ["00:00-24:00"] } }
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            """, at: 2, 3, "calendars.24x7", says: "built-in calendar", "give this calendar another name"),
        Rejection("two policies with one name", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
              - name: standard
                targets: { urgent: { first_response: 30m } }
            """, at: 4, 11, "policies[1].name", says: "already named \"standard\" (line 2)", "give each policy its own name"),
        Rejection("a source name with a colon", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            sources:
              - { name: "desk:eu", type: file, path: tickets.json }
            """, at: 5, 13, "sources[0].name", says: "cannot be empty or hold \":\"", "SOURCE:ID", "helpdesk-eu"),
        Rejection("unknown priority in targets", """
            policies:
              - name: standard
                targets: { p1: { first_response: 1h } }
            """, at: 3, 16, "policies[0].targets.p1", says: "unknown key", "valid keys are urgent, high, normal, low, any"),
        Rejection("a default team with match", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            channels:
              support-leads: { type: log, path: leads.jsonl }
            teams:
              default:
                match: { group: Support }
                lead: [support-leads]
            """, at: 8, 5, "teams.default.match", says: "remove match, or give this team another name"),
        Rejection("unknown channel type", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            channels:
              leads: { type: slak, url: "https://hooks.slack.com/services/T/B/x" }
            """, at: 5, 18, "channels.leads.type", says: "\"slak\" is not a channel type (did you mean slack?)", "write one of slack, mattermost"),
        Rejection("misspelt webhook type", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            channels:
              hooks: { type: webhok, url: "https://hooks.example.com/in" }
            """, at: 5, 18, "channels.hooks.type", says: "\"webhok\" is not a channel type (did you mean webhook?)"),
        Rejection("misspelt source type", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            sources:
              - { name: desk, type: zendsk, url: "https://x.zendesk.com", email: a@example.com, token_file: t }
            """, at: 5, 25, "sources[0].type", says: "\"zendsk\" is not a source type (did you mean zendesk?)"),
        Rejection("url and url_file together", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            channels:
              leads:
                type: slack
                url: "${LEADS_HOOK}"
                url_file: /run/credentials/leads
            """, at: 8, 5, "channels.leads.url_file", says: "is given besides url", "keep one"),
        Rejection("smtps with starttls", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            relays:
              main:
                url: smtps://smtp.example.com:465
                tls: starttls
                from: support@example.com
            """, at: 7, 10, "relays.main.tls", says: "does not go with an smtps:// URL", "write tls: implicit"),
        Rejection("relay URL that is not SMTP", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            relays:
              main: { url: "https://smtp.example.com", from: support@example.com }
            """, at: 5, 16, "relays.main.url", says: "is not an SMTP URL", "write smtp://HOST:587"),
        Rejection("a non-canonical status in a status map", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            sources:
              - name: demo
                type: file
                path: tickets.json
                status_map: { waiting: pending }
            """, at: 8, 28, "sources[0].status_map.waiting",
            says: "\"pending\" is not a canonical status", "write one of new, open, pending_customer, on_hold, solved, closed"),
        Rejection("YAML syntax error", """
            policies:
              - name: standard
                targets: any: { first_response: 1h }
            """, at: 3, 17, "", says: "YAML syntax error", "mapping values are not allowed", "check the indentation"),
        Rejection("tab indentation", "policies:\n\t- name: standard\n", at: 2, 1, "", says: "indent YAML with spaces, not tabs"),
        Rejection("duplicate quoted key in a flow mapping", """
            policies:
              - {"name": a, "name": b, targets: { any: { first_response: 1h } } }
            """, at: 2, 17, "policies[0].name", says: "is given twice in this mapping (first at line 2, column 6)"),
        Rejection("duplicate key in a block mapping", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
                name: again
            """, at: 4, 5, "policies[0].name", says: "is given twice in this mapping (first at line 2, column 5)", "give each key once"),
        Rejection("duplicate key in a flow mapping, later on the same line", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h, first_response: 2h } }
            """, at: 3, 43, "policies[0].targets.any.first_response", says: "first at line 3, column 23", "give each key once"),
        Rejection("duplicate top-level key", """
            listen: 127.0.0.1:9469
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            listen: 0.0.0.0:9469
            """, at: 5, 1, "listen", says: "is given twice", "first at line 1, column 1"),
    ]

    @Test(arguments: cases)
    func rejects(_ rejection: Rejection) {
        rejection.check()
    }

    /// A directory was taken for a file it could not read: "let the slawatch user read it".
    @Test func aDirectoryIsNamedAsOne() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = #expect(throws: ConfigurationError.self) { try Configuration.load(path: directory, environment: [:]) }
        #expect(error?.description == "\(directory): this is a directory; give --config the configuration file in it, "
            + "such as \(directory)/slawatch.yaml")
    }

    @Test func missingFileIsReportedWithoutAPosition() {
        do {
            _ = try Configuration.load(path: "/nonexistent/slawatch.yaml", environment: [:])
            Issue.record("there is no such file")
        } catch {
            #expect(error.description == "/nonexistent/slawatch.yaml: the configuration file does not exist; check the path given with --config")
            #expect(error.diagnostics.first?.code == .unreadableFile)
        }
    }
}
