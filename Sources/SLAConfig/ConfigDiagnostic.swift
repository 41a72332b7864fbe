/// One problem in a configuration: where it is, and what to write instead.
public struct ConfigDiagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem; a small closed set, fit for a metric label.
    public enum Code: String, Sendable, Hashable {
        /// The YAML itself does not parse.
        case syntax
        /// A key that does not belong where it is written.
        case unknownKey = "unknown_key"
        /// A key given twice in one mapping.
        case duplicateKey = "duplicate_key"
        /// A required key is absent.
        case missingKey = "missing_key"
        /// A list where a mapping belongs, and the like.
        case wrongType = "wrong_type"
        /// A value of the right shape that is not acceptable (`25:00-26:00`, `-1h`).
        case invalidValue = "invalid_value"
        /// A name that nothing defines: a calendar, ladder, channel or relay.
        case undefinedName = "undefined_name"
        /// A file the configuration names cannot be read or parsed.
        case unreadableFile = "unreadable_file"
        /// A secret that cannot be resolved: an unset variable, a missing or empty file.
        case secret
        /// A value that works but has a better spelling (a warning, not an error).
        case deprecated
    }

    public var location: ConfigLocation
    public var code: Code
    /// What is wrong and how to write it; never contains a secret value.
    public var message: String

    public init(_ code: Code, at location: ConfigLocation, _ message: String) {
        self.location = location
        self.code = code
        self.message = message
    }

    /// `file:line:col: key.path: message`.
    public var description: String { "\(location): \(message)" }
}
