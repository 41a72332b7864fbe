import Foundation
import SLAConfig
import SLAEngine
import Testing

/// `public_url`, `actions`, `api_token_file` and `exceptions`.
@Suite struct ActionsConfigTests {
    static let policies = """
        policies:
          - name: standard
            targets: { any: { first_response: 1h } }
        """

    @Test("the People answer keys of DESIGN.md are read with their defaults")
    func accepted() throws {
        let configuration = try Configuration.parse(yaml: Self.policies + """

            public_url: https://slawatch.example.com/
            actions:
              key_file: $CREDENTIALS_DIRECTORY/action-key
              link_ttl: 7d
              ack_for: 4h
              ack_tag: sla-acked
              slack_signing_secret_file: $CREDENTIALS_DIRECTORY/slack-signing
            api_token_file: $CREDENTIALS_DIRECTORY/api-token
            exceptions:
              - name: black-friday
                from: 2026-11-27T00:00:00-05:00
                until: 2026-11-30T23:59:59-05:00
                match: { channel: email }
                targets_factor: 2
              - name: payments-outage
                from: 2026-12-03T14:00:00Z
                until: 2026-12-03T18:00:00Z
                match: { tags: payments }
                pause: true
            """, file: "test.yaml", baseDirectory: "/etc/slawatch")
        #expect(configuration.publicURL == "https://slawatch.example.com")
        #expect(configuration.actions.linkTTL == 7 * 86_400)
        #expect(configuration.actions.ackFor == 4 * 3600)
        #expect(configuration.actions.snoozeFor == 3600)
        #expect(configuration.actions.ackTag == "sla-acked")
        #expect(configuration.actions.keyFile?.description == "file ${CREDENTIALS_DIRECTORY}/action-key")
        #expect(configuration.actions.slackSigningSecret != nil)
        #expect(configuration.apiToken?.description == "file ${CREDENTIALS_DIRECTORY}/api-token")
        #expect(configuration.exceptions == [
            SLAException(name: "black-friday", from: Date(timeIntervalSince1970: 1_795_755_600),
                         until: Date(timeIntervalSince1970: 1_796_101_199), match: TicketMatch([.channel: ["email"]]),
                         targetsFactor: 2),
            SLAException(name: "payments-outage", from: Date(timeIntervalSince1970: 1_796_306_400),
                         until: Date(timeIntervalSince1970: 1_796_320_800), match: TicketMatch([.tags: ["payments"]]), pause: true),
        ])
        #expect(configuration.engine.exceptions.count == 2)
    }

    static let cases: [Rejection] = [
        Rejection("public_url without a key", policies + "\npublic_url: https://slawatch.example.com", at: 4, 1, "public_url",
                  says: "actions.key_file"),
        Rejection("public_url over plain http off loopback",
                  policies + "\npublic_url: http://slawatch.example.com\nactions: { key_file: /k }", at: 4, 13, "public_url",
                  says: "plain http", "https://"),
        Rejection("public_url with a query", policies + "\npublic_url: https://s.example.com/?x=1\nactions: { key_file: /k }",
                  at: 4, 13, "public_url", says: "not a base URL"),
        Rejection("an unknown action key", policies + "\nactions: { key_file: /k, ack_four: 4h }", at: 4, 26, "actions.ack_four",
                  says: "ack_for"),
        Rejection("an unknown exception key", policies + """

            exceptions:
              - name: x
                from: 2026-12-03T14:00:00Z
                until: 2026-12-03T18:00:00Z
                pause: true
                targets: 2
            """, at: 9, 5, "exceptions[0].targets", says: "targets_factor"),
        Rejection("an exception that does nothing", policies + """

            exceptions:
              - name: x
                from: 2026-12-03T14:00:00Z
                until: 2026-12-03T18:00:00Z
            """, at: 5, 5, "exceptions[0]", says: "pause: true or targets_factor"),
        Rejection("an exception ending before it starts", policies + """

            exceptions:
              - name: x
                from: 2026-12-03T14:00:00Z
                until: 2026-12-03T13:00:00Z
                pause: true
            """, at: 7, 12, "exceptions[0].until", says: "is not after from"),
        Rejection("an instant without an offset", policies + """

            exceptions:
              - name: x
                from: 2026-12-03T14:00:00
                until: 2026-12-03T18:00:00Z
                pause: true
            """, at: 6, 11, "exceptions[0].from", says: "is not an instant", "2026-12-03T14:00:00Z"),
        Rejection("a factor that is not a number", policies + """

            exceptions:
              - name: x
                from: 2026-12-03T14:00:00Z
                until: 2026-12-03T18:00:00Z
                targets_factor: double
            """, at: 8, 21, "exceptions[0].targets_factor", says: "not a positive number"),
        // 1e15 crashed evaluate, explain and run; 1e12 gave due times in the year 57041756.
        Rejection("a factor past 100", policies + """

            exceptions:
              - { name: x, from: 2026-12-03T14:00:00Z, until: 2026-12-03T18:00:00Z, targets_factor: 1e15 }
            """, at: 5, 89, "exceptions[0].targets_factor", says: "\"1e15\" is more than 100"),
        Rejection("a target past ten years", """
            policies:
              - name: standard
                targets: { any: { first_response: 999999999d } }
            """, at: 3, 39, "policies[0].targets.any.first_response", says: "\"999999999d\" is longer than 3650d"),
        Rejection("a group target past ten years", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
                group_targets: { tier2: { group_response: 3651d } }
            """, at: 4, 47, "policies[0].group_targets.tier2.group_response", says: "\"3651d\" is longer than 3650d"),
        // `ack --for` and the answer links refuse more than 30d; the default a bare `ack` takes was not bounded.
        Rejection("an ack_for past 30 days", policies + "\nactions: { key_file: /k, ack_for: 45d }", at: 4, 35, "actions.ack_for",
                  says: "\"45d\" is more than 30d"),
        Rejection("a snooze_for past 30 days", policies + "\nactions: { key_file: /k, snooze_for: 31d }", at: 4, 38, "actions.snooze_for",
                  says: "\"31d\" is more than 30d"),
        Rejection("two exceptions of one name", policies + """

            exceptions:
              - { name: x, from: 2026-12-03T14:00:00Z, until: 2026-12-03T18:00:00Z, pause: true }
              - { name: x, from: 2026-12-04T14:00:00Z, until: 2026-12-04T18:00:00Z, pause: true }
            """, at: 6, 13, "exceptions[1].name", says: "names another exception too"),
    ]

    @Test(arguments: cases)
    func rejected(_ rejection: Rejection) {
        rejection.check()
    }

    @Test("overlapping exceptions are allowed")
    func overlaps() {
        #expect(ConfigFixture.diagnostics(Self.policies + """

            exceptions:
              - { name: a, from: 2026-12-03T14:00:00Z, until: 2026-12-03T18:00:00Z, pause: true }
              - { name: b, from: 2026-12-03T16:00:00Z, until: 2026-12-03T20:00:00Z, pause: true, targets_factor: 1.5 }
            """).isEmpty)
    }

    @Test("the largest factor, target and holds are allowed")
    func limits() {
        #expect(ConfigFixture.diagnostics("""
            policies:
              - name: standard
                targets: { any: { first_response: 3650d } }
            actions: { key_file: /k, ack_for: 30d, snooze_for: 30d }
            exceptions:
              - { name: x, from: 2026-12-03T14:00:00Z, until: 2026-12-03T18:00:00Z, targets_factor: 100 }
            """).isEmpty)
    }
}
