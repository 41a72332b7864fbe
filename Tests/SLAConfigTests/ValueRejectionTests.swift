import Testing

/// Durations, thresholds, rates, addresses.
@Suite struct ValueRejectionTests {
    /// A policy whose first-response target is `target`, which stands on line 4, column 30.
    static func target(_ target: String) -> String {
        """
        policies:
          - name: standard
            targets:
              any: { first_response: \(target) }
        """
    }

    static let targetPath = "policies[0].targets.any.first_response"

    static let cases: [Rejection] = [
        Rejection("duration without a unit", target("5"), at: 4, 30, targetPath, says: "\"5\" has no unit", "write 5s, 5m, 5h or 5d"),
        Rejection("duration with an unknown unit", target("1x"), at: 4, 30, targetPath,
                  says: "\"1x\" is not a duration", "such as 90s, 30m, 1h30m or 2d"),
        Rejection("negative duration", target("-1h"), at: 4, 30, targetPath, says: "\"-1h\" is negative", "such as 1h"),
        Rejection("zero target", target("0m"), at: 4, 30, targetPath, says: "\"0m\" is zero", "write a positive duration"),
        Rejection("units out of order", target("30m1h"), at: 4, 30, targetPath, says: "\"30m1h\" is not a duration"),
        Rejection("poll_interval without a unit", """
            poll_interval: 60
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            """, at: 1, 16, "poll_interval", says: "\"60\" has no unit", "write 60s"),
        Rejection("percent over 100 in a step", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            ladders:
              default:
                - at: 150%
                  notify: director
            """, at: 6, 11, "ladders.default[0].at", says: "\"150%\" is past the due time", "breach+2h"),
        Rejection("bare number as a threshold", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            ladders:
              default:
                - at: 75%
                  notify: lead
                - at: 95
                  notify: manager
            """, at: 8, 11, "ladders.default[1].at",
            says: "\"95\" is not a threshold; write 95%, breach, breach-1h or breach+2h"),
        Rejection("breach offset that is not a duration", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            ladders:
              default:
                - at: breach+2
                  notify: director
            """, at: 6, 11, "ladders.default[0].at", says: "\"2\" is not a duration", "write breach-D or breach+D"),
        Rejection("repeat before breach", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            ladders:
              default:
                - at: 90%
                  notify: manager
                  repeat: 1h
            """, at: 8, 7, "ladders.default[0].repeat",
            says: "a step at 90% fires before breach and cannot repeat", "put it on a step at breach or later"),
        Rejection("zero repeat", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            ladders:
              default:
                - at: breach
                  notify: director
                  repeat: 0s
            """, at: 8, 15, "ladders.default[0].repeat", says: "\"0s\" is zero"),
        Rejection("rate limit without a period", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            channels:
              support: { type: log, path: support.jsonl, rate_limit: 5 }
            """, at: 5, 58, "channels.support.rate_limit", says: "\"5\" is not a rate", "such as 1/s, 20/m or 100/h"),
        Rejection("mail address without a domain", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            relays:
              main: { url: "smtp://smtp.example.com", from: support@example.com }
            channels:
              director: { type: email, relay: main, to: [director] }
            """, at: 7, 46, "channels.director.to[0]", says: "\"director\" is not an email address", "write name@example.com"),
        Rejection("listen without a port", """
            listen: localhost
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            """, at: 1, 9, "listen", says: "\"localhost\" is not HOST:PORT", "such as 127.0.0.1:9469"),
        Rejection("not true or false", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            channels:
              support: { type: log, path: support.jsonl, digest: yes }
            """, at: 5, 54, "channels.support.digest", says: "\"yes\" is not true or false", "write true or false"),
        Rejection("non-canonical priority in a match", """
            policies:
              - name: standard
                match: { priority: [urgent, p1] }
                targets: { any: { first_response: 1h } }
            """, at: 3, 33, "policies[0].match.priority[1]", says: "\"p1\" is not a canonical priority", "write one of urgent, high, normal, low"),
        Rejection("non-canonical pause status", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            pause:
              resolution: [pending_customer, waiting]
            """, at: 5, 34, "pause.resolution[1]", says: "\"waiting\" is not a canonical status", "pending_customer"),
        Rejection("JSON Pointer without a slash", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            sources:
              - name: api
                type: http-json
                url: https://api.example.com/tickets
                items: tickets
            """, at: 8, 12, "sources[0].items", says: "\"tickets\" is not a JSON Pointer", "such as /tickets"),
        Rejection("Jira group field given by its display name", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            sources:
              - name: jsm
                type: jira
                url: https://example.atlassian.net
                email: bot@example.com
                token_file: secrets/jira
                group_field: Support team
            """, at: 10, 18, "sources[0].group_field",
            says: "\"Support team\" is not a Jira field id", "such as customfield_10050 or components"),
        Rejection("a source's request timeout longer than ten minutes", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            sources:
              - { name: zm, type: zammad, url: "https://zammad.example.com", token_file: secrets/zammad, timeout: 1h }
            """, at: 5, 103, "sources[0].timeout", says: "is longer than 10 minutes", "such as 30s"),
        // Said once: the channel is not also taken for one that mails customers.
        Rejection("a team mail channel's to that is no address", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            relays:
              main: { url: "smtp://127.0.0.1:25", tls: none, from: support@example.com }
            channels:
              ch: { type: email, relay: main, to: ["not an address"] }
            teams:
              default: { lead: [ch] }
            """, at: 7, 40, "channels.ch.to[0]", says: "not an address"),
        Rejection("no pages at all", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            sources:
              - { name: zm, type: zammad, url: "https://zammad.example.com", token_file: secrets/zammad, max_pages: 0 }
            """, at: 5, 105, "sources[0].max_pages", says: "\"0\" is not a whole number of at least 1"),
        Rejection("a file source's request timeout", """
            policies:
              - name: standard
                targets: { any: { first_response: 1h } }
            sources:
              - { name: desk, type: file, path: tickets.json, timeout: 5s }
            """, at: 5, 51, "sources[0].timeout", says: "unknown key for a source of type file"),
    ]

    @Test(arguments: cases)
    func rejects(_ rejection: Rejection) {
        rejection.check()
    }
}
