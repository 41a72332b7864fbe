import Foundation

/// What a report's rows are grouped by (`--by`, a scheduled report's `by`).
public enum ReportDimension: String, Sendable, Hashable, CaseIterable {
    case priority, group, channel, tier, metric, customer, team
    /// The ISO week the clock counts in, in the report's zone, labelled `2026-W48`.
    case week

    /// Parses a comma-separated list (`priority,week`), or says what is wrong: an unknown
    /// key (with the known ones) or a repeated one.
    public static func list(_ text: String) -> Result<[ReportDimension], ReportOptionError> {
        var result: [ReportDimension] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let dimension = ReportDimension(rawValue: name) else {
                let known = allCases.map(\.rawValue).joined(separator: ", ")
                return .failure(ReportOptionError("\"\(name)\" is not a key to group by; use any of \(known), separated by commas"))
            }
            guard !result.contains(dimension) else {
                return .failure(ReportOptionError("\"\(name)\" is given twice; name each key once"))
            }
            result.append(dimension)
        }
        return .success(result)
    }
}

/// A report option that cannot be used, and how to write it.
public struct ReportOptionError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
