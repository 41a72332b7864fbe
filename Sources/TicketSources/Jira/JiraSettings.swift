import Foundation
public import SLAEngine
public import Transport

/// What a `jira` (Jira Service Management) source needs.
public struct JiraSettings: Sendable {
    /// The source's name in the configuration; it prefixes every problem and error.
    public var name: String
    /// `https://SITE.atlassian.net`, or any base URL serving the same API; a trailing `/` is
    /// ignored.
    public var url: String
    /// The Atlassian account's email address.
    public var email: String
    /// The API token, sent with the email as HTTP Basic.
    public var token: Secret
    /// The issues to watch; nil for `JiraSource.defaultJQL` (unresolved issues, and those
    /// updated in the last day so that resolutions are seen).
    public var jql: String?
    /// `status_map`/`priority_map`: Jira's status and priority names → canonical values, over
    /// `JiraSource.defaultMapping` (names match case-insensitively).
    public var mapping: CanonicalMapping
    /// The field holding the JSM request type, whose name becomes a tag; nil for none.
    /// Default `customfield_10010`, Jira Cloud's usual "Customer Request Type".
    public var requestTypeField: String?
    /// `group_field`: the field whose value is the ticket's group, by id (`customfield_10050`,
    /// `components`); nil (the default) leaves `group` unset. An object gives its `name`
    /// (else `value`, else `displayName`), a list its first item's, text itself.
    public var groupField: String?
    /// A JSM SLA field ("Time to first response", `customfield_…`) whose first completed
    /// cycle's stop time is the first response; nil (the default) leaves it unset.
    public var firstResponseField: String?
    /// Issues asked for per page (`maxResults`). Default 100.
    public var pageSize: Int
    /// Timeouts, retries, rate-limit pacing and page limits; the defaults suit the vendor.
    public var http: SourceHTTPSettings

    public init(
        name: String, url: String, email: String, token: Secret, jql: String? = nil, mapping: CanonicalMapping = .identity,
        requestTypeField: String? = "customfield_10010", groupField: String? = nil, firstResponseField: String? = nil,
        pageSize: Int = 100,
        http: SourceHTTPSettings = SourceHTTPSettings()
    ) {
        self.name = name
        self.url = url
        self.email = email
        self.token = token
        self.jql = jql
        self.mapping = mapping
        self.requestTypeField = requestTypeField
        self.groupField = groupField
        self.firstResponseField = firstResponseField
        self.pageSize = pageSize
        self.http = http
    }

    var base: String { url.hasSuffix("/") ? String(url.dropLast()) : url }
}
