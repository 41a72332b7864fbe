import Foundation

/// Every string in a parsed JSON value, keys excluded.
func allStrings(in value: Any) -> [String] {
    switch value {
    case let string as String: return [string]
    case let array as [Any]: return array.flatMap(allStrings(in:))
    case let object as [String: Any]: return object.values.flatMap(allStrings(in:))
    default: return []
    }
}

/// Every object in a parsed JSON value, depth first.
func allObjects(in value: Any) -> [[String: Any]] {
    switch value {
    case let array as [Any]: return array.flatMap(allObjects(in:))
    case let object as [String: Any]: return [object] + object.values.flatMap(allObjects(in:))
    default: return []
    }
}

func parseJSON(_ data: Data) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw FixtureError("not a JSON object")
    }
    return object
}

extension Dictionary where Key == String, Value == Any {
    subscript(path path: String) -> Any? {
        var current: Any? = self
        for part in path.split(separator: ".") {
            if let index = Int(part), let array = current as? [Any] {
                current = index < array.count ? array[index] : nil
            } else {
                current = (current as? [String: Any])?[String(part)]
            }
        }
        return current
    }
}
