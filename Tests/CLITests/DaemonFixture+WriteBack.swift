/// The fixture's configuration changed for write-back: its breach step changing the ticket,
/// its file source replaced by a Zendesk one that writes back.
extension DaemonFixture {
    /// `yaml` with the breach step also raising the priority to urgent and tagging `sla-breached`.
    static func withWriteBackSteps(_ yaml: String) -> String {
        yaml.replacingOccurrences(
            of: "    - at: breach\n      notify: [manager, director]",
            with: "    - at: breach\n      notify: [manager, director]\n      set_priority: urgent\n      add_tag: sla-breached")
    }

    /// `yaml` with the file source replaced by a Zendesk source at `url` that writes back,
    /// its token read from the file `token` beside the configuration.
    static func withZendeskSource(_ yaml: String, url: String) -> String {
        yaml.replacingOccurrences(of: """
              - name: file
                type: file
                path: tickets.json
            """, with: """
              - name: desk
                type: zendesk
                url: \(url)
                email: agent@example.com
                token_file: token
                write_back: true
            """)
    }
}
