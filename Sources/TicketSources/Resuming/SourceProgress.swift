import Foundation

/// Where one incremental source keeps its progress in a `CursorStore`: its own values
/// (the vendor's cursor or watermark under the source's name, others under `NAME/…`) and
/// its merged view under `NAME/view`, written only when it changed since it was last
/// loaded or saved. Store failures become the source's `SourceError`.
struct SourceProgress: Sendable {
    let cursors: any CursorStore
    /// The source's name: the key of its main value and the prefix of the others.
    let source: String
    /// The host errors name.
    let host: String
    /// Whether the view is kept at all (`persistView`).
    let keepsView: Bool
    /// The view's revision as last loaded or saved.
    private var savedRevision: Int?

    init(cursors: any CursorStore, source: String, host: String, keepsView: Bool) {
        self.cursors = cursors
        self.source = source
        self.host = host
        self.keepsView = keepsView
    }

    /// The value under the source's name (`suffix` nil) or under `NAME/suffix`.
    func value(_ suffix: String? = nil) throws(SourceError) -> String? {
        try cursors.load(key(suffix), source: source, host: host)
    }

    /// Saves `value` under the source's name or `NAME/suffix`.
    func save(_ value: String, _ suffix: String? = nil, at now: Date) throws(SourceError) {
        try cursors.save(value, key: key(suffix), at: now, source: source, host: host)
    }

    /// The saved view; an empty one when none was saved, the text is not a view, or views
    /// are not kept.
    mutating func loadView() throws(SourceError) -> IncrementalView {
        guard keepsView, let text = try value("view") else { return IncrementalView() }
        let view = IncrementalView.decode(text) ?? IncrementalView()
        savedRevision = view.revision
        return view
    }

    /// Saves the view when views are kept and it changed since it was last loaded or saved.
    mutating func saveView(_ view: IncrementalView, at now: Date) throws(SourceError) {
        guard keepsView, view.revision != savedRevision else { return }
        try save(view.encoded(), "view", at: now)
        savedRevision = view.revision
    }

    private func key(_ suffix: String?) -> String {
        suffix.map { "\(source)/\($0)" } ?? source
    }
}
