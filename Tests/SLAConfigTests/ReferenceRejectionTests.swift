import Testing

/// Names that nothing in the file defines.
@Suite struct ReferenceRejectionTests {
    static let cases: [Rejection] = [
        Rejection("unknown calendar", """
            calendars:
              office: { timezone: Europe/Berlin, week: { mon-fri: ["09:00-17:00"] } }
            policies:
              - name: standard
                calendar: ofice
                targets: { any: { first_response: 1h } }
            """, at: 5, 15, "policies[0].calendar",
            says: "no calendar is named \"ofice\" (did you mean office?)", "define it under calendars or use one of 24x7, office"),
        Rejection("unknown policy ladder", """
            policies:
              - name: standard
                ladder: fast
                targets: { any: { first_response: 1h } }
            ladders:
              default:
                - { at: 75%, notify: lead }
            """, at: 3, 13, "policies[0].ladder", says: "no ladder is named \"fast\"", "define it under ladders or use one of default"),
        Rejection("policy left on a default ladder that is not defined", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            ladders:
              fast:
                - { at: 75%, notify: lead }
            """, at: 2, 5, "policies[0]", says: "uses the ladder \"default\", which ladders does not define", "add ladder: NAME or define ladders.default"),
        Rejection("unknown team channel", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            channels:
              leads: { type: log, path: leads.jsonl }
            teams:
              default:
                lead: [leeds]
            """, at: 8, 12, "teams.default.lead[0]", says: "no channel is named \"leeds\" (did you mean leads?)", "define it under channels"),
        Rejection("unknown notify name", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            ladders:
              default:
                - at: 90%
                  notify: manger
            """, at: 7, 15, "ladders.default[0].notify",
            says: "no role or channel is named \"manger\" (did you mean manager?)", "use one of director, executive, lead, manager"),
        // Was told without a line: "slawatch.yaml: ladders.default step breach: customer_notice …".
        Rejection("unknown customer notice", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            ladders:
              default:
                - at: breach
                  customer_notice: delay_notise
            """, at: 7, 24, "ladders.default[0].customer_notice",
            says: "\"delay_notise\" is not a customer template (did you mean delay_notice?)", "write one of delay_notice, update_due"),
        Rejection("unknown relay", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            channels:
              director: { type: email, relay: mian, to: director@example.com }
            """, at: 5, 35, "channels.director.relay", says: "no relay is named \"mian\"", "define it under relays"),
        Rejection("unknown ops_channel", """
            ops_channel: ops
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            channels:
              support: { type: log, path: support.jsonl }
            """, at: 1, 14, "ops_channel", says: "no channel is named \"ops\"", "define it under channels or use one of support"),
        Rejection("unknown quiet_hours calendar", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            channels:
              support: { type: log, path: support.jsonl, quiet_hours: night }
            """, at: 5, 59, "channels.support.quiet_hours", says: "no calendar is named \"night\"", "use one of 24x7"),
        Rejection("unset variable in a relay URL", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            relays:
              main: { url: "${SMTP_URL}", from: support@example.com }
            """, at: 5, 16, "relays.main.url", says: "environment variable SMTP_URL is not set", "set it in the service's environment"),
    ]

    @Test(arguments: cases)
    func rejects(_ rejection: Rejection) {
        rejection.check()
    }
}
