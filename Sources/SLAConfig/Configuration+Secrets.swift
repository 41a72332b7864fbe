public import Transport
/// Reading the secrets a configuration refers to.
extension Configuration {
    /// Reads every secret: `${NAME}` from `environment`, files from disk (less a trailing
    /// newline; `$CREDENTIALS_DIRECTORY/NAME` allowed).
    ///
    /// Each secret that is unset, missing, unreadable or empty is a diagnostic at its key
    /// that names the variable or file, never a value.
    public func resolveSecrets(environment: [String: String]) throws(ConfigurationError) -> ResolvedSecrets {
        try resolve(secretReferences, environment: environment)
    }

    /// Reads only the secrets of `sources` (tokens, passwords, `${ENV}` in their URLs): what
    /// reading tickets needs, for `evaluate` and `explain`, which send nothing.
    public func resolveSourceSecrets(environment: [String: String]) throws(ConfigurationError) -> ResolvedSecrets {
        try resolve(secretReferences.filter { $0.location.path.hasPrefix("sources[") }, environment: environment)
    }

    /// Reads one secret, such as `api_token_file` for the commands that call the daemon's
    /// API: nothing else needs to be readable.
    public func resolveSecret(_ reference: SecretReference, environment: [String: String]) throws(ConfigurationError) -> Secret {
        switch reference.resolve(environment: environment) {
        case .success(let secret): return secret
        case .failure(let problem): throw ConfigurationError([problem])
        }
    }

    private func resolve(_ references: [SecretReference], environment: [String: String]) throws(ConfigurationError) -> ResolvedSecrets {
        var values: [String: Secret] = [:]
        var problems: [ConfigDiagnostic] = []
        for reference in references {
            switch reference.resolve(environment: environment) {
            case .success(let secret): values[reference.location.path] = secret
            case .failure(let problem): problems.append(problem)
            }
        }
        guard problems.isEmpty else { throw ConfigurationError(problems) }
        return ResolvedSecrets(values)
    }
}
