public import Foundation

/// Where an incremental source keeps what it needs to resume after a restart: the vendor's
/// cursor, and the source's merged view of the tickets seen so far.
///
/// The daemon's `StateStore` conforms with its `cursor(source:)` and
/// `saveCursor(_:source:at:)`. A source may keep several values, under its own name and
/// under `NAME/…` keys (`zendesk/view`, `zendesk/metric_events`); values are opaque text.
public protocol CursorStore: Sendable {
    /// The value saved under `source`, or nil when nothing was saved.
    func cursor(source: String) throws -> String?
    /// Saves `cursor` under `source`, replacing what was there; `at` is when.
    func saveCursor(_ cursor: String, source: String, at: Date) throws
}
