import Yams

/// The entries of a mapping in the configuration, in file order, each key once.
///
/// Reading reports keys that are not text and keys given twice (the first one counts).
struct ConfigMapping {
    /// The mapping itself.
    let node: ConfigNode
    let entries: [Entry]

    struct Entry {
        let key: String
        /// The key as written, where an unknown or misplaced key is reported.
        let keyNode: ConfigNode
        let value: ConfigNode
    }

    init(node: ConfigNode, entries: [Entry]) {
        self.node = node
        self.entries = entries
    }

    /// Reads the pairs of a mapping node. A merge key (`<<: *defaults`, or a list of
    /// aliases) adds the entries of the mappings it names, under the keys written here.
    init(reading pairs: Node.Mapping, of node: ConfigNode) {
        var entries: [Entry] = []
        var merged: [Entry] = []
        var firstAt: [String: ConfigLocation] = [:]
        for (keyNode, value) in pairs {
            guard case .scalar(let scalar) = keyNode else {
                ConfigNode(node: keyNode, path: node.path, document: node.document)
                    .report("a key must be text, found \(keyNode.mapping == nil ? "a list" : "a mapping")", .wrongType)
                continue
            }
            if scalar.string == "<<" && scalar.style == .plain {
                merged += ConfigMapping.mergedEntries(value, into: node)
                continue
            }
            let key = ConfigMapping.writtenKey(scalar.string)
            let child = node.child(key, keyNode: keyNode, value: value)
            let keyAt = ConfigNode(node: keyNode, path: child.path, document: node.document)
            if let first = firstAt[key] {
                keyAt.report(
                    "is given twice in this mapping (first at line \(first.line), column \(first.column)); give each key once",
                    .duplicateKey
                )
                continue
            }
            firstAt[key] = keyAt.location
            entries.append(Entry(key: key, keyNode: keyAt, value: child))
        }
        for entry in merged where firstAt[entry.key] == nil {
            firstAt[entry.key] = entry.keyNode.location
            entries.append(entry)
        }
        self.init(node: node, entries: entries)
    }

    /// The entries a merge key brings in: those of one mapping, or of a list of them, the
    /// first mapping winning; paths are those of the mapping merged into.
    private static func mergedEntries(_ value: Node, into node: ConfigNode) -> [Entry] {
        let sources: [Node]
        switch value {
        case .mapping: sources = [value]
        case .sequence(let items) where items.allSatisfy({ $0.mapping != nil }): sources = Array(items)
        default:
            ConfigNode(node: value, path: node.path.isEmpty ? "<<" : "\(node.path).<<", document: node.document)
                .report("a merge key (<<) takes a mapping or a list of mappings, such as <<: *defaults", .wrongType)
            return []
        }
        var entries: [Entry] = []
        for case .mapping(let pairs) in sources {
            for entry in ConfigMapping(reading: pairs, of: node).entries where !entries.contains(where: { $0.key == entry.key }) {
                entries.append(entry)
            }
        }
        return entries
    }

    /// The key as written, without the marks `YAMLDocument` puts on repeated keys.
    static func writtenKey(_ key: String) -> String {
        var key = Substring(key)
        guard key.hasPrefix(YAMLDocument.renamedKeyMarker) else { return String(key) }
        while key.hasPrefix(YAMLDocument.renamedKeyMarker) { key = key.dropFirst(YAMLDocument.renamedKeyMarker.count) }
        // A quoted key was renamed with its quotes, which are now part of the text.
        if key.count >= 2, let quote = key.first, quote == "\"" || quote == "'", key.last == quote {
            key = key.dropFirst().dropLast()
        }
        return String(key)
    }

    var isEmpty: Bool { entries.isEmpty }

    subscript(key: String) -> ConfigNode? {
        entries.first { $0.key == key }?.value
    }

    /// The value under `key`, or nil after reporting it missing; `example` shows how to write it.
    func required(_ key: String, example: String) -> ConfigNode? {
        if let value = self[key] { return value }
        let path = node.path.isEmpty ? key : "\(node.path).\(key)"
        let location = node.document.location(of: node.key ?? node.node, path: path)
        node.document.report(.missingKey, at: location, "is missing; add \(key): \(example)")
        return nil
    }

    /// Reports every key not in `allowed`; `what` names the mapping ("a policy").
    func allowOnly(_ allowed: [String], what: String?) {
        for entry in entries where !allowed.contains(entry.key) {
            var message = "unknown key" + (what.map { " for \($0)" } ?? "")
            if let close = Suggestion.closest(to: entry.key, in: allowed) { message += " (did you mean \(close)?)" }
            message += allowed.isEmpty ? "; remove it" : "; valid keys are \(allowed.joined(separator: ", "))"
            entry.keyNode.report(message, .unknownKey)
        }
    }

    /// The key's entry, for reporting at the key itself.
    func entry(_ key: String) -> Entry? {
        entries.first { $0.key == key }
    }
}
