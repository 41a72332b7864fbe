import Foundation
import SLAEngine
@testable import TicketSources
import Transport

/// Settings and instants the source tests share.
enum Samples {
    /// The secrets every test uses; none may ever show in an error, a problem or a description.
    static let token = "zd-TOKEN-7f3a9c1e5b"
    static let apiKey = "fd-APIKEY-4c2e8a0d6f"
    static let jiraToken = "jira-TOKEN-9b1d3f5a7c"
    static let zammadToken = "zm-TOKEN-2a4c6e8b0d"
    static let bearer = "hj-BEARER-1357924680"
    static let password = "hj-PASSWORD-8642097531"
    static let secrets = [token, apiKey, jiraToken, zammadToken, bearer, password]

    /// HTTP settings with no jitter, so backoff sleeps are exact: half the ceiling.
    static let http = SourceHTTPSettings(random: { 0 })

    static func time(_ text: String) -> Date { Timestamp(rfc3339: text)!.date }

    static func zendesk(_ base: String, name: String = "zendesk", mapping: CanonicalMapping = .identity) -> ZendeskSettings {
        ZendeskSettings(name: name, url: base, email: "agent@example.com", token: Secret(token), mapping: mapping, http: http)
    }
}

extension Samples {
    static func freshdesk(_ base: String, mapping: CanonicalMapping = .identity) -> FreshdeskSettings {
        FreshdeskSettings(name: "freshdesk", url: base, apiKey: Secret(apiKey), mapping: mapping, http: http)
    }

    static func jira(_ base: String, mapping: CanonicalMapping = .identity) -> JiraSettings {
        JiraSettings(
            name: "jira", url: base, email: "bot@example.com", token: Secret(jiraToken), jql: "project = SUP",
            mapping: mapping, groupField: "customfield_10050", firstResponseField: "customfield_10020", http: http)
    }

    static func zammad(_ base: String, mapping: CanonicalMapping = .identity) -> ZammadSettings {
        ZammadSettings(name: "zammad", url: base, token: Secret(zammadToken), mapping: mapping, pageSize: 2, http: http)
    }

    static func httpJSON(
        _ url: String, mapping: CanonicalMapping = CanonicalMapping(statuses: ["waiting": .pendingCustomer], priorities: ["p1": .urgent])
    ) -> HTTPJSONSettings {
        HTTPJSONSettings(
            name: "api", url: Secret(url), authentication: .bearer(Secret(bearer)), items: "/data/items",
            fields: [
                "id": "/key", "created_at": "/fields/created", "status": "/fields/state", "subject": "/fields/title",
                "priority": "/fields/prio~1level", "group": "/fields/team~0name", "customer.email": "/reporter/mail",
                "customer.id": "/reporter/id", "tags": "/labels", "updated_at": "/fields/updated",
            ],
            next: "/links/next", mapping: mapping, http: http)
    }
}
