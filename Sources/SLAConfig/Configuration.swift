public import BusinessTime
public import SLAEngine
public import SLAReport
import Foundation

/// The validated contents of a `slawatch.yaml`.
///
/// `load(path:environment:)` reads the file and reports every problem in it at once. It
/// reads the holiday files a calendar names but no secret: `resolveSecrets(environment:)`
/// does that, so commands that only evaluate clocks work without the service's secrets.
public struct Configuration: Sendable {
    /// Every default of the configuration, in one place.
    public enum Defaults {
        /// `state`.
        public static let state = "/var/lib/slawatch/state.db"
        /// `poll_interval`, in seconds.
        public static let pollInterval = 60
        /// `listen`.
        public static let listen = "127.0.0.1:9469"
        /// A policy's `ladder`.
        public static let ladder = "default"
        /// A channel's `timeout`, in seconds.
        public static let channelTimeout = 10
        /// The last year `holiday_files` are expanded through (recurring holidays included).
        public static let holidaysThroughYear = 2100
    }

    /// The file the configuration was read from, as given.
    public var file: String
    /// `state`: the SQLite database file, absolute (a relative path is resolved against the
    /// configuration file's directory), or a PostgreSQL URL without its password. Default
    /// `/var/lib/slawatch/state.db`.
    public var state: String
    /// `state` as read: the SQLite file, or the PostgreSQL database (`postgresql://…`).
    public var stateLocation: StateLocation
    /// `state_password_file`: the password of a PostgreSQL `state`; nil for none (or the URL's).
    public var statePasswordFile: SecretReference?
    /// `retention`, in seconds: how long the state keeps what is over (closed tickets, sent
    /// messages, delivery history, ended silences and holds); default 400 days.
    public var retention: Int
    /// `lease`: seconds a PostgreSQL leader's heartbeat may go unrenewed before a standby
    /// takes over; the leader renews it every third of that. Default 15.
    public var lease: Int
    /// `poll_interval`: seconds between polls of a source that sets none. Default 60.
    public var pollInterval: Int
    /// `listen`: `HOST:PORT` of the HTTP endpoint for `/metrics`, `/healthz` and `/readyz`.
    /// Default `127.0.0.1:9469`.
    public var listen: String
    /// `ops_channel`: the channel where slawatch reports its own trouble; nil for none.
    public var opsChannel: String?
    /// `sources`, in file order; empty when not given.
    public var sources: [SourceConfig]
    /// `calendars` by name, always with the built-in `24x7`.
    public var calendars: [String: BusinessCalendar]
    /// `policies`, in file order (which breaks ties between equally aggressive targets).
    public var policies: [Policy]
    /// `pause`: the statuses that stop each metric; `pending_customer` for a metric not named.
    public var pause: PauseRules
    /// `teams`, in file order with the team named `default` last; a ticket belongs to the
    /// first team whose `match` holds.
    public var teams: [Team]
    /// `ladders` by name; empty when not given.
    public var ladders: [String: EscalationLadder]
    /// `channels` by name; empty when not given.
    public var channels: [String: ChannelConfig]
    /// `relays` by name; empty when not given.
    public var relays: [String: RelayConfig]
    /// `customer_channel`: the channel that carries customer delay notices; by default the
    /// channel named `customers`, when there is one.
    public var customerChannel: String?
    /// `customer_notices`: how delay notices to customers are worded and who gets none.
    public var customerNotices: CustomerNoticeSettings
    /// `repeated_breaches: {count: 3, within: 30d}`: after `count` breaches of one customer
    /// within the window, its next breach also goes to the `executive` role. Nil for never.
    public var repeatedBreaches: RepeatedBreachRule?
    /// `risks`: the experience-risk detectors that run, in file order; empty for none.
    public var risks: [RiskRule]
    /// `surges`: open-ticket surge rules; empty for none.
    public var surges: [SurgeRule]
    /// `templates`: the directory of message templates, absolute; nil for the built-in ones.
    public var templates: String?
    /// `api_token_file`: the bearer token of the listener's API (`/api/v1/*`) and of the
    /// commands that use it; nil leaves the API off.
    public var apiToken: SecretReference?
    /// `public_url`: the base of action links in messages, without a trailing slash; nil
    /// for messages without links.
    public var publicURL: String?
    /// `actions`: signed links, acknowledgement and snooze holds, Slack buttons.
    public var actions: ActionSettings
    /// `exceptions`: declared windows of paused clocks or changed targets, in file order.
    public var exceptions: [SLAException]
    /// `credits`: service credits per customer tier (lowercased); empty when not given.
    public var credits: [String: CreditRule]
    /// `reports`: compliance reports sent on a schedule; empty when not given.
    public var reports: [ReportSchedule]
    /// Every secret the file refers to, in file order; `resolveSecrets` reads them.
    public var secretReferences: [SecretReference]
    /// What works but had better be written otherwise (a time zone's old name), in file
    /// order; `check` prints these and still says ok.
    public var warnings: [ConfigDiagnostic] = []

    /// The SLA engine for these policies, pause rules and ladders.
    public var engine: SLAEngine {
        SLAEngine(policies: policies, pause: pause, ladders: ladders, risks: risks, exceptions: exceptions)
    }

    /// The top-level keys.
    static let keys = [
        "state", "poll_interval", "listen", "ops_channel", "sources", "calendars", "policies", "pause",
        "teams", "ladders", "channels", "relays", "templates", "customer_channel", "repeated_breaches", "customer_notices",
        "api_token_file", "risks", "surges", "credits", "reports", "public_url", "actions", "exceptions", "state_password_file", "lease",
        "retention",
    ]

    // MARK: Loading

    /// Reads and validates the configuration file at `path` and the holiday files it names.
    ///
    /// `environment` supplies `${NAME}` in relay and source URLs and in `ca_file`; secrets
    /// are not read. Relative paths in the file are relative to its directory.
    public static func load(path: String, environment: [String: String]) throws(ConfigurationError) -> Configuration {
        func failure(_ message: String) -> ConfigurationError {
            ConfigurationError([ConfigDiagnostic(
                .unreadableFile, at: ConfigLocation(file: path, line: 0, column: 0, path: ""), message
            )])
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw failure("the configuration file does not exist; check the path given with --config")
        }
        guard !isDirectory.boolValue else {
            throw failure("this is a directory; give --config the configuration file in it, such as \(path)/slawatch.yaml")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw failure("the configuration file cannot be read; let the slawatch user read it")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw failure("the configuration file is not UTF-8 text; save it as UTF-8")
        }
        let absolute = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let directory = absolute.standardizedFileURL.deletingLastPathComponent().path
        return try parse(yaml: text, file: path, baseDirectory: directory, environment: environment)
    }

    /// Validates configuration text; `file` names it in diagnostics and `baseDirectory` is
    /// where relative paths (holiday files included) are resolved.
    public static func parse(
        yaml: String, file: String, baseDirectory: String, environment: [String: String] = [:]
    ) throws(ConfigurationError) -> Configuration {
        let composed: YAMLDocument
        switch YAMLDocument.compose(yaml) {
        case .success(let document):
            composed = document
        case .failure(let error):
            throw ConfigurationError([ConfigDiagnostic(
                .syntax, at: ConfigLocation(file: file, line: error.line, column: error.column, path: ""), error.message
            )])
        }
        var base = baseDirectory
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        let document = ConfigDocument(file: file, baseDirectory: base, environment: environment, yaml: composed)
        var configuration = Configuration(reading: document)
        guard document.diagnostics.isEmpty else { throw ConfigurationError(document.diagnostics) }
        configuration.warnings = ConfigurationError(document.warnings).diagnostics
        return configuration
    }

    /// Reads every section, reporting problems to `document`; sections that others refer
    /// to are read first, and names are checked against what the file defines, valid or not,
    /// so one mistake is reported once.
    private init(reading document: ConfigDocument) {
        let root = document.root
        let rootMapping = root.mapping(allowed: Configuration.keys)
        let top = rootMapping ?? ConfigMapping(node: root, entries: [])
        let calendarNames = top["calendars"]?.writtenKeys ?? []
        let channelNames = top["channels"]?.writtenKeys
        let ladderNames = top["ladders"]?.writtenKeys

        file = document.file
        (state, stateLocation) = Configuration.readState(top["state"])
        statePasswordFile = top["state_password_file"]?.secret(.file)
        if let written = top["state_password_file"], case .sqlite = stateLocation {
            written.report("is only for a PostgreSQL state; `state` is a SQLite file, which needs no password")
        }
        lease = top["lease"]?.duration() ?? Configuration.defaultLease
        if let written = top["lease"], lease < 3 {
            written.report("is \(lease)s; a lease needs at least 3s (the leader renews it every third)")
        }
        pollInterval = top["poll_interval"]?.duration() ?? Defaults.pollInterval
        listen = top["listen"]?.listenAddress() ?? Defaults.listen
        relays = Configuration.readRelays(top["relays"])
        calendars = Configuration.readCalendars(top["calendars"])
        channels = Configuration.readChannels(
            top["channels"], relays: top["relays"]?.writtenKeys ?? [], calendars: calendarNames + ["24x7"]
        )
        if let written = top["customer_channel"] {
            customerChannel = written.reference(to: "channel", in: channelNames ?? [], section: "channels")
        } else {
            customerChannel = channelNames?.contains("customers") == true ? "customers" : nil
        }
        // Ladder steps, teams, risks, surges and ops notices are for the team: never the
        // customer channel, nor an email channel that mails each ticket's customer.
        var customerChannels = Set(channels.values.compactMap { channel -> String? in
            if case .email(_, let to, _) = channel.kind, to.isEmpty { return channel.name }
            return nil
        })
        if let customerChannel { customerChannels.insert(customerChannel) }
        opsChannel = top["ops_channel"]?.reference(to: "channel", in: channelNames ?? [], section: "channels")
        if let opsChannel, customerChannels.contains(opsChannel) {
            top["ops_channel"]?.report(Configuration.reachesCustomers(opsChannel))
        }
        // Before the ladders and actions: what they change at the helpdesk needs a source that writes back.
        sources = Configuration.readSources(top["sources"], pollInterval: pollInterval)
        let writesBack = sources.contains { $0.writeBack }
        ladders = Configuration.readLadders(
            top["ladders"], channels: channelNames ?? [], customerChannels: customerChannels, writesBack: writesBack)
        policies = Configuration.readPolicies(
            // A file that is not a mapping has been reported as such; policies are not missing too.
            rootMapping == nil ? nil : top.required("policies", example: "a list of policies, each with name and targets"),
            calendars: calendars, calendarNames: calendarNames + ["24x7"], ladderNames: ladderNames
        )
        pause = Configuration.readPause(top["pause"])
        teams = Configuration.readTeams(top["teams"], channels: channelNames, customerChannels: customerChannels)
        templates = top["templates"]?.path("a directory")
        repeatedBreaches = Configuration.readRepeatedBreaches(top["repeated_breaches"])
        risks = Configuration.readRisks(top["risks"], channels: channelNames ?? [], customerChannels: customerChannels)
        surges = Configuration.readSurges(top["surges"], channels: channelNames ?? [], customerChannels: customerChannels)
        customerNotices = Configuration.readCustomerNotices(top["customer_notices"])
        retention = Configuration.readRetention(top["retention"], repeatedBreaches: repeatedBreaches)
        apiToken = top["api_token_file"]?.secret(.file)
        publicURL = Configuration.readPublicURL(top["public_url"])
        actions = Configuration.readActions(top["actions"], writesBack: writesBack)
        if top["public_url"] != nil, !actions.keyFileWritten {
            top.entry("public_url")?.keyNode.report(
                "is set without actions.key_file: links in messages are signed; add actions: {key_file: /path/to/keys} "
                + "(one key of at least 32 bytes a line), or remove public_url")
        }
        exceptions = Configuration.readExceptions(top["exceptions"])
        credits = Configuration.readCredits(top["credits"])
        reports = Configuration.readReports(
            top["reports"], calendars: calendars, calendarNames: calendarNames + ["24x7"], channels: channelNames,
            channelConfigs: channels)
        secretReferences = document.secretReferences.sorted {
            ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column)
        }
    }
}

extension Configuration {
    /// `repeated_breaches: {count, within}`.
    static func readRepeatedBreaches(_ node: ConfigNode?) -> RepeatedBreachRule? {
        guard let fields = node?.mapping(allowed: ["count", "within"], what: "a rule such as {count: 3, within: 30d}") else {
            return nil
        }
        let count = fields.required("count", example: "3")?.count()
        let within = fields.required("within", example: "30d")?.duration()
        guard let count, let within else { return nil }
        return RepeatedBreachRule(count: count, windowSeconds: within)
    }
}

/// `customer_notices: {update_every, remedies, opt_out_tags, opt_out_tiers}`.
public struct CustomerNoticeSettings: Sendable, Hashable {
    /// `update_every`: business seconds until the next update a notice promises, when no
    /// `periodic_update` clock says when. Default 4 hours.
    public var updateEvery: Int = 4 * 3600
    /// `remedies`: customer tier → a sentence offered in notices (a service credit line).
    public var remedies: [String: String] = [:]
    /// `opt_out_tags`: tickets with one of these tags get no notices (lowercased).
    public var optOutTags: Set<String> = []
    /// `opt_out_tiers`: customers of these tiers get no notices (lowercased).
    public var optOutTiers: Set<String> = []

    public init() {}
}

extension Configuration {
    static func readCustomerNotices(_ node: ConfigNode?) -> CustomerNoticeSettings {
        var settings = CustomerNoticeSettings()
        guard let fields = node?.mapping(allowed: ["update_every", "remedies", "opt_out_tags", "opt_out_tiers"],
                                         what: "customer notice settings") else { return settings }
        if let every = fields["update_every"]?.duration() { settings.updateEvery = every }
        if let remedies = fields["remedies"]?.mapping(what: "remedies by customer tier") {
            for entry in remedies.entries {
                if let text = entry.value.string("a sentence", example: "\"A service credit applies.\"") {
                    settings.remedies[entry.key.lowercased()] = text
                }
            }
        }
        for (key, path) in [("opt_out_tags", \CustomerNoticeSettings.optOutTags), ("opt_out_tiers", \.optOutTiers)] {
            if let values = fields[key]?.strings("names", example: "[no-notices]") {
                settings[keyPath: path] = Set(values.map { $0.value.lowercased() })
            }
        }
        return settings
    }
}
