/// Sample contexts that exercise every template at `check` time.
enum TemplateSamples {
    static var team: [String: Any] {
        let item: [String: Any] = [
            "ticket": ["id": "T-1", "subject": "Sample ticket", "priority": "high", "status": "open", "url": "https://help.example.com/t/1",
                       "group": "Support", "assignee": "dana", "customer_name": "Acme", "tags": false],
            "clock": ["metric": "first response", "metric_key": "first_response", "cycle": 1, "target": "1 business hour",
                      "state": "breached", "percent": "120%", "policy": "standard", "calendar": "office", "elapsed": "72 minutes",
                      "due": "Mon 23 Nov 13:00 EST", "due_utc": "2026-11-23T18:00:00Z", "time_left": false,
                      "overdue": "12 minutes", "paused": false, "met": false],
            "step": ["name": "breach", "kind": "breach", "role": "manager", "repeat": "1", "late": true],
            "team": "default",
            "hold": ["verb": "acknowledged", "by": "dana", "at": "Mon 23 Nov 12:40 EST", "until": "Mon 23 Nov 16:40 EST"],
        ]
        var context = item
        context["channel"] = "leads"
        context["now_utc"] = "2026-11-23T18:12:00Z"
        context["items"] = [item, item]
        context["count"] = 2
        context["more"] = false
        context["breached_count"] = 2
        context["tickets_count"] = 1
        context["tickets_need"] = "1 ticket needs"
        return context
    }

    /// A risk: the team sample with a risk and no clock.
    static var risk: [String: Any] {
        var context = team
        context["clock"] = false
        context["step"] = ["name": "risk follow_ups", "kind": "risk", "role": "lead", "repeat": false, "late": false]
        context["risk"] = ["name": "follow_ups", "words": "follow-ups", "occurrence": 1,
                           "detail": "3 customer messages without a public answer since 2026-11-23T09:00:00Z",
                           "since": "Mon 23 Nov 13:00 EST", "since_utc": "2026-11-23T18:00:00Z"]
        return context
    }

    /// A surge starting.
    static var surge: [String: Any] { [
        "started": true, "ended": false, "by": "group", "value": "Billing", "open": 24, "open_tickets": "24 open tickets", "median": "10", "threshold": "15",
        "days": 7, "since": "2026-11-23T18:00:00Z", "channel": "ops-manager", "now_utc": "2026-11-23T18:00:00Z",
    ] }

    static var customer: [String: Any] { [
        "ticket": ["id": "T-1", "subject": "Sample ticket", "url": "https://help.example.com/t/1"],
        "customer": ["name": "Acme"],
        "now": "Monday 23 November 2026 at 13:12 EST",
        "clock": ["metric": "first response", "due": "Monday 23 November 2026 at 13:00 EST"],
        "next_update": "Monday 23 November 2026 at 17:00 EST",
        "remedy": "A service credit applies.",
    ] }

    /// An ops notice: a channel failing.
    static var ops: [String: Any] { [
        "channel_failing": ["channel": "support-leads", "reason": "server_error", "since": "2026-11-23T18:00:00Z"],
        "channel_recovered": false, "source_stale": false, "source_recovered": false,
    ] }
}
