import Foundation
import SLAConfig
import Testing

/// Secrets are read only on request, reported by key and source, and never shown.
@Suite struct SecretTests {
    /// `SECRETS` is replaced with a temporary directory holding the files.
    static let yaml = """
        policies:
          - name: standard
            targets: { any: { first_response: 1h } }
        channels:
          billing: { type: mattermost, url: "${BILLING_HOOK}" }
          leads: { type: slack, url_file: SECRETS/slack-leads }
        relays:
          main:
            url: smtp://smtp.example.com:587
            username: slawatch
            password_file: $CREDENTIALS_DIRECTORY/smtp
            from: support@example.com
        """

    static let hook = "https://mattermost.example.com/hooks/TOPSECRET-billing"
    static let leadsURL = "https://hooks.slack.com/services/T000/B000/TOPSECRET-leads"
    static let password = "TOPSECRET-password"

    /// A temporary directory with the secret files, and the configuration that names them.
    struct Setup {
        let directory: URL
        let configuration: Configuration

        init(yaml: String = SecretTests.yaml, files: [String: String] = ["slack-leads": SecretTests.leadsURL + "\n", "smtp": SecretTests.password + "\n"]) throws {
            directory = try ConfigFixture.temporaryDirectory()
            for (name, contents) in files { try ConfigFixture.write(contents, to: name, in: directory) }
            configuration = try Configuration.parse(
                yaml: yaml.replacingOccurrences(of: "SECRETS", with: directory.path), file: ConfigFixture.file,
                baseDirectory: directory.path
            )
        }

        var environment: [String: String] {
            ["BILLING_HOOK": SecretTests.hook, "CREDENTIALS_DIRECTORY": directory.path]
        }

        /// The diagnostics of resolving with `environment`; empty when every secret resolves.
        func problems(_ environment: [String: String]) -> [ConfigDiagnostic] {
            do {
                _ = try configuration.resolveSecrets(environment: environment)
                return []
            } catch {
                return error.diagnostics
            }
        }

        func remove() {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test func loadingReadsNoSecret() throws {
        // No files and no environment: loading still succeeds, as `evaluate` needs.
        let setup = try Setup(files: [:])
        defer { setup.remove() }
        #expect(setup.configuration.secretReferences.map(\.location.path) == [
            "channels.billing.url", "channels.leads.url_file", "relays.main.password_file",
        ])
        #expect(setup.problems([:]).count == 3)
    }

    @Test func resolvesEverySecret() throws {
        let setup = try Setup()
        defer { setup.remove() }
        let secrets = try setup.configuration.resolveSecrets(environment: setup.environment)
        #expect(secrets.count == 3)
        #expect(secrets[path: "channels.billing.url"]?.reveal() == SecretTests.hook)
        #expect(secrets[path: "channels.leads.url_file"]?.reveal() == SecretTests.leadsURL)
        #expect(secrets[path: "relays.main.password_file"]?.reveal() == SecretTests.password)
    }

    @Test func missingEnvironmentVariableNamesKeyAndVariable() throws {
        let setup = try Setup()
        defer { setup.remove() }
        let problems = setup.problems(["CREDENTIALS_DIRECTORY": setup.directory.path])
        #expect(problems.count == 1)
        #expect(problems.first?.location == ConfigLocation(file: ConfigFixture.file, line: 5, column: 37, path: "channels.billing.url"))
        #expect(problems.first?.message.contains("environment variable BILLING_HOOK is not set") == true)
        #expect(problems.first?.code == .secret)
    }

    @Test func missingFileNamesKeyAndPath() throws {
        let setup = try Setup(files: ["smtp": SecretTests.password])
        defer { setup.remove() }
        let problems = setup.problems(setup.environment)
        #expect(problems.count == 1)
        #expect(problems.first?.location == ConfigLocation(file: ConfigFixture.file, line: 6, column: 35, path: "channels.leads.url_file"))
        let path = setup.directory.appendingPathComponent("slack-leads").path
        #expect(problems.first?.message == "secret file \(path) does not exist; create it, or point url_file at the right file")
    }

    @Test func unsetCredentialsDirectoryIsExplained() throws {
        let setup = try Setup()
        defer { setup.remove() }
        let problems = setup.problems(["BILLING_HOOK": SecretTests.hook])
        #expect(problems.count == 1)
        #expect(problems.first?.location == ConfigLocation(file: ConfigFixture.file, line: 11, column: 20, path: "relays.main.password_file"))
        #expect(problems.first?.message.contains("CREDENTIALS_DIRECTORY is not set") == true)
        #expect(problems.first?.message.contains("LoadCredential=") == true)
    }

    @Test(arguments: ["$CREDENTIALS_DIRECTORY/smtp", "${CREDENTIALS_DIRECTORY}/smtp"])
    func credentialsDirectoryResolves(_ written: String) throws {
        let yaml = SecretTests.yaml.replacingOccurrences(of: "$CREDENTIALS_DIRECTORY/smtp", with: written)
        let setup = try Setup(yaml: yaml)
        defer { setup.remove() }
        let secrets = try setup.configuration.resolveSecrets(environment: setup.environment)
        #expect(secrets[path: "relays.main.password_file"]?.reveal() == SecretTests.password)
    }

    @Test func relativeSecretFileIsRelativeToTheConfiguration() throws {
        let yaml = SecretTests.yaml.replacingOccurrences(of: "SECRETS/slack-leads", with: "slack-leads")
        let setup = try Setup(yaml: yaml)
        defer { setup.remove() }
        let secrets = try setup.configuration.resolveSecrets(environment: setup.environment)
        #expect(secrets[path: "channels.leads.url_file"]?.reveal() == SecretTests.leadsURL)
    }

    @Test func problemsNeverQuoteAValue() throws {
        // An empty file, a file that is not a URL, and a variable that is not a URL.
        let setup = try Setup(files: ["slack-leads": "TOPSECRET-not-a-url\n", "smtp": "\n"])
        defer { setup.remove() }
        let problems = setup.problems(["BILLING_HOOK": "ftp://TOPSECRET-hook", "CREDENTIALS_DIRECTORY": setup.directory.path])
        #expect(problems.map(\.location.path) == ["channels.billing.url", "channels.leads.url_file", "relays.main.password_file"])
        #expect(problems[0].message.contains("the value of BILLING_HOOK is not a URL starting with https:// or http://"))
        #expect(problems[1].message.contains("slack-leads is not a URL"))
        #expect(problems[2].message.contains("is empty"))
        #expect(!problems.description.contains("TOPSECRET"))
        #expect(!ConfigurationError(problems).description.contains("TOPSECRET"))
    }

    /// URLs with the right scheme that libcurl refuses: `check` said ok, and `run`
    /// dead-lettered every message with "the URL is malformed".
    @Test(arguments: [
        ("https://user:TOPSECRET@hooks.example.com:99999/x", "its port is not between 1 and 65535"),
        ("https://hooks.example.com/TOPSECRET extra", "it holds a space or a control character"),
        ("https:///TOPSECRET", "it names no host"),
    ])
    func aURLThatCannotBeRequestedIsAProblemNamingWhyNotTheValue(_ url: String, _ why: String) throws {
        let setup = try Setup(files: ["slack-leads": url + "\n", "smtp": SecretTests.password + "\n"])
        defer { setup.remove() }
        let problems = setup.problems(["BILLING_HOOK": url, "CREDENTIALS_DIRECTORY": setup.directory.path])
        #expect(problems.map(\.location.path) == ["channels.billing.url", "channels.leads.url_file"])
        #expect(problems[0].message.contains("the value of BILLING_HOOK is not a URL a request can be sent to: \(why)"), "\(problems)")
        #expect(problems[1].message.contains("slack-leads is not a URL a request can be sent to: \(why)"), "\(problems)")
        #expect(!ConfigurationError(problems).description.contains("TOPSECRET"))
    }

    @Test func resolvedSecretsAreNeverShown() throws {
        let setup = try Setup()
        defer { setup.remove() }
        let secrets = try setup.configuration.resolveSecrets(environment: setup.environment)
        let secret = try #require(secrets[path: "channels.billing.url"])
        #expect(String(describing: secret) == "<secret>")
        #expect("\(secret)" == "<secret>")
        #expect(String(reflecting: secret) == "<secret>")
        var dumped = ""
        dump(secret, to: &dumped)
        dump(secrets, to: &dumped)
        dumped += String(describing: secrets) + String(reflecting: secrets) + "\(secrets)"
        #expect(!dumped.contains("TOPSECRET"))
        #expect(dumped.contains("<secret>"))
    }

    @Test func inlineSecretsInTheConfigurationAreNeverShown() throws {
        let yaml = SecretTests.yaml.replacingOccurrences(of: "\"${BILLING_HOOK}\"", with: SecretTests.hook)
        let setup = try Setup(yaml: yaml)
        defer { setup.remove() }
        var dumped = ""
        dump(setup.configuration.channels, to: &dumped)
        dump(setup.configuration.secretReferences, to: &dumped)
        dumped += "\(setup.configuration.secretReferences)"
        #expect(!dumped.contains("TOPSECRET"))
        #expect(setup.configuration.secretReferences[0].description == "<secret>")
        #expect(try setup.configuration.resolveSecrets(environment: setup.environment)[path: "channels.billing.url"]?.reveal() == SecretTests.hook)
    }

    @Test func malformedReferenceIsALoadErrorThatQuotesNothing() {
        let yaml = SecretTests.yaml.replacingOccurrences(of: "\"${BILLING_HOOK}\"", with: "\"https://x/TOPSECRET${HOOK\"")
        let problems = ConfigFixture.diagnostics(yaml)
        #expect(problems.count == 1)
        #expect(problems.first?.location == ConfigLocation(file: ConfigFixture.file, line: 5, column: 37, path: "channels.billing.url"))
        #expect(problems.first?.message.contains("write ${NAME}") == true)
        #expect(problems.first?.message.contains("TOPSECRET") == false)
    }
}
