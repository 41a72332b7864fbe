/// A value a template sees: text, a number, a flag, a list or an object of named values.
///
/// Contexts are built from these rather than `[String: Any]`: a name lookup is then a
/// comparison of keys, not a dynamic cast, and building one allocates a few arrays instead
/// of dictionaries of boxed values. `any` gives the same context as `[String: Any]` for
/// the Mustache library, which renders every template slawatch cannot compile.
public enum TemplateValue: Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([TemplateValue])
    case object(TemplateObject)

    /// The value as the Mustache library takes it: `String`, `Int`, `Bool`, `[Any]`, `[String: Any]`.
    public var any: Any {
        switch self {
        case .string(let string): string
        case .int(let int): int
        case .bool(let bool): bool
        case .list(let list): list.map(\.any) as [Any]
        case .object(let object): object.any
        }
    }

    /// `value` (from `[String: Any]` contexts) as a template value: strings, integers, flags,
    /// arrays and dictionaries keyed by strings; any other value counts as the text it
    /// describes itself with, which is how the Mustache library shows it.
    public init(any value: Any) {
        switch value {
        case let string as String: self = .string(string)
        case let int as Int: self = .int(int)
        case let bool as Bool: self = .bool(bool)
        case let list as [Any]: self = .list(list.map(TemplateValue.init(any:)))
        case let object as [String: Any]:
            self = .object(TemplateObject(object.map { ($0.key, TemplateValue(any: $0.value)) }))
        default: self = .string(String(describing: value))
        }
    }

    /// The value of `key` when this is an object; setting it on anything else does nothing.
    public subscript(key: String) -> TemplateValue? {
        get {
            guard case .object(let object) = self else { return nil }
            return object[key]
        }
        set {
            guard case .object(var object) = self else { return }
            self = .bool(false)  // drop the reference, so the object is changed in place
            object[key] = newValue
            self = .object(object)
        }
    }

    /// The value of `key` when this is an object, read where it is: what a template's name
    /// finds, without copying the object on the way.
    func member(_ key: String) -> TemplateValue? {
        guard case .object(let object) = self else { return nil }
        return object.value(of: key)
    }

    /// A string, or `false` so that `{{#key}}…{{/key}}` skips it.
    public static func orFalse(_ string: String?) -> TemplateValue {
        string.map(TemplateValue.string) ?? .bool(false)
    }
}

/// Named values in the order they were set; a key set again replaces its value.
///
/// Objects are small (a ticket has about ten keys), so a lookup compares keys in turn:
/// cheaper than hashing, and cheaper still to build.
public struct TemplateObject: Sendable {
    private(set) var keys: [String]
    private(set) var values: [TemplateValue]

    /// An object of `entries`, whose keys are distinct.
    public init(_ entries: [(String, TemplateValue)] = []) {
        keys = entries.map(\.0)
        values = entries.map(\.1)
        assert(Set(keys).count == keys.count, "a key is set twice: \(keys)")
    }

    /// An object of `keys` (distinct) with `values`, in the same order: a context made
    /// many times over shares one list of keys.
    init(keys: [String], values: [TemplateValue]) {
        assert(keys.count == values.count && Set(keys).count == keys.count, "keys and values do not match: \(keys)")
        self.keys = keys
        self.values = values
    }

    /// Room for `count` more keys.
    public mutating func reserve(_ count: Int) {
        keys.reserveCapacity(keys.count + count)
        values.reserveCapacity(values.count + count)
    }

    public subscript(key: String) -> TemplateValue? {
        get { value(of: key) }
        set {
            let index = keys.firstIndex(of: key)
            switch (index, newValue) {
            case (let index?, let value?): values[index] = value
            case (let index?, nil):
                keys.remove(at: index)
                values.remove(at: index)
            case (nil, let value?):
                keys.append(key)
                values.append(value)
            case (nil, nil): break
            }
        }
    }

    /// The value of `key`, read in place.
    func value(of key: String) -> TemplateValue? {
        var index = 0
        while index < keys.count {
            if keys[index] == key { return values[index] }
            index += 1
        }
        return nil
    }

    var any: [String: Any] {
        Dictionary(zip(keys, values.map(\.any)), uniquingKeysWith: { $1 })
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) { self = .object(TemplateObject(elements)) }
}

extension TemplateObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, TemplateValue)...) { self.init(elements) }
}
