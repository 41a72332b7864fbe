import Foundation
import Testing
import SLAConfig
import SLAEngine

/// `risks`, `surges` and `group_targets`: what is read, and every mistake at its place.
@Suite struct RiskConfigurationTests {
    static let base = """
        policies:
          - name: standard
            targets: { any: { first_response: 1h } }
        channels:
          leads: { type: log, path: leads.jsonl }
        """

    /// An email channel without `to`: it mails each ticket's customer.
    static let customersMail = """
        policies:
          - name: standard
            targets: { any: { first_response: 1h } }
        relays:
          main: { url: "smtp://127.0.0.1:25", from: sla@example.com }
        channels:
          customers: { type: email, relay: main }
        """

    @Test func theDesignsKeysAreRead() throws {
        let yaml = Self.base + """

            risks:
              follow_ups:    { count: 3, within: 24h, notify: lead }
              reassignments: { count: 3, notify: manager }
              reopened:      { count: 1, notify: [lead, leads] }
              ping_pong:     { exchanges: 6, notify: manager }
              stalled:       { after: 3d, notify: lead }
            surges:
              - by: group
                over: 50%
                notify: manager
              - { by: tier, over: 100%, notify: leads, min_open: 10 }
            """
        let configuration = try Configuration.parse(yaml: yaml, file: "test.yaml", baseDirectory: "/nonexistent")
        #expect(configuration.risks == [
            RiskRule(kind: .followUps, count: 3, seconds: 86_400, notify: ["lead"]),
            RiskRule(kind: .reassignments, count: 3, notify: ["manager"]),
            RiskRule(kind: .reopened, count: 1, notify: ["lead", "leads"]),
            RiskRule(kind: .pingPong, count: 6, notify: ["manager"]),
            RiskRule(kind: .stalled, count: 1, seconds: 259_200, notify: ["lead"]),
        ])
        #expect(configuration.surges == [
            SurgeRule(by: .group, overPercent: 50, minOpen: 5, notify: ["manager"]),
            SurgeRule(by: .tier, overPercent: 100, minOpen: 10, notify: ["leads"]),
        ])
        #expect(configuration.engine.risks.count == 5)
    }

    @Test func groupTargetsAndTheirLadderAreRead() throws {
        let yaml = """
            policies:
              - name: ola
                group_targets:
                  Engineering: { group_response: 2h }
                  Finance: { group_response: 30m }
                ladder: { group_response: handoffs, any: default }
            ladders:
              default: [{ at: breach, notify: lead }]
              handoffs: [{ at: 75%, notify: manager }]
            """
        let configuration = try Configuration.parse(yaml: yaml, file: "test.yaml", baseDirectory: "/nonexistent")
        let policy = try #require(configuration.policies.first)
        #expect(policy.groupTarget(for: "engineering") == 7200)
        #expect(policy.groupTarget(for: "Finance") == 1800)
        #expect(policy.ladderName(for: .groupResponse) == "handoffs")
        #expect(policy.targets.isEmpty)
    }

    static let cases: [Rejection] = [
        Rejection("an unknown risk", base + "\nrisks:\n  follow_up: { count: 3, notify: lead }", at: 7, 3, "risks.follow_up",
                  says: "follow_ups"),
        Rejection("a count that is not a number", base + "\nrisks:\n  reassignments: { count: three, notify: manager }", at: 7, 27,
                  "risks.reassignments.count", says: "\"three\" is not a whole number"),
        Rejection("a missing notify", base + "\nrisks:\n  reopened: { count: 1 }", at: 7, 3, "risks.reopened.notify", says: "is missing", "notify: lead"),
        Rejection("a key of another detector", base + "\nrisks:\n  stalled: { after: 3d, count: 2, notify: lead }", at: 7, 25,
                  "risks.stalled.count", says: "unknown key for the stalled detector", "after, notify"),
        Rejection("stalled without after", base + "\nrisks:\n  stalled: { notify: lead }", at: 7, 3, "risks.stalled.after", says: "is missing", "after: 3d"),
        Rejection("an undefined channel", base + "\nrisks:\n  ping_pong: { exchanges: 6, notify: laeds }", at: 7, 38,
                  "risks.ping_pong.notify", says: "no role or channel is named \"laeds\""),
        Rejection("a bad within", base + "\nrisks:\n  follow_ups: { count: 3, within: 1x, notify: lead }", at: 7, 35,
                  "risks.follow_ups.within", says: "\"1x\" is not a duration"),
        Rejection("a risk to the customers", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            channels:
              customers: { type: log, path: customers.jsonl }
            risks:
              reopened: { notify: [lead, customers] }
            """, at: 7, 30, "risks.reopened.notify[1]", says: "reaches customers", "for the team alone"),
        // `check` said ok, and `run` dead-lettered every team message to the customers' mail.
        Rejection("a ladder step to the customers' mail", customersMail + """

            ladders:
              default:
                - { at: breach, notify: [manager, customers] }
            """, at: 10, 39, "ladders.default[0].notify[1]", says: "reaches customers", "for the team alone"),
        Rejection("a team role on the customer channel", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            channels:
              notices: { type: log, path: notices.jsonl }
            customer_channel: notices
            teams:
              default: { lead: [notices] }
            """, at: 8, 21, "teams.default.lead[0]", says: "reaches customers"),
        Rejection("ops notices on the customers' mail", customersMail + "\nops_channel: customers", at: 8, 14, "ops_channel", says: "reaches customers"),
        Rejection("a surge over without %", base + "\nsurges:\n  - { by: group, over: 50, notify: manager }", at: 7, 24,
                  "surges[0].over", says: "\"50\" is not a percent", "50%"),
        Rejection("a surge by an unknown field", base + "\nsurges:\n  - { by: queue, over: 50%, notify: manager }", at: 7, 11,
                  "surges[0].by", says: "queue", "group"),
        Rejection("two surge rules by group", base + "\nsurges:\n  - { by: group, over: 50%, notify: manager }\n  - { by: group, over: 80%, notify: leads }",
                  at: 8, 11, "surges[1].by", says: "already counts by group"),
        Rejection("group_response under targets", """
            policies:
              - name: standard
                targets:
                  any: { group_response: 2h }
            """, at: 4, 14, "policies[0].targets.any.group_response", says: "group_targets"),
        Rejection("a group target that is not a duration", """
            policies:
              - name: ola
                group_targets:
                  Engineering: { group_response: soon }
            """, at: 4, 38, "policies[0].group_targets.Engineering.group_response", says: "\"soon\""),
        Rejection("a group target with another metric", """
            policies:
              - name: ola
                group_targets:
                  Engineering: { group_response: 2h, resolution: 4h }
            """, at: 4, 42, "policies[0].group_targets.Engineering.resolution", says: "group_response"),
    ]

    @Test(arguments: cases)
    func rejects(_ rejection: Rejection) {
        rejection.check()
    }
}
