import SLAConfig
import TicketSources

extension SourceConfig {
    /// The source as the commands can read it now, or nil for a type only the daemon polls.
    func makeTicketSource() -> (any TicketSource)? {
        switch kind {
        case .file(let path): FileSource(name: name, path: path, mapping: mapping)
        case .httpJSON, .zendesk, .freshdesk, .jira, .zammad: nil
        }
    }

    /// The `type` as written in the configuration.
    var typeName: String { type.rawValue }
}
