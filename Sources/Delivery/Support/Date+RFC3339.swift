import Foundation

extension Date {
    /// RFC 3339 in UTC, whole seconds.
    var rfc3339: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: self)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = String(p.year!)
        return "\(String(repeating: "0", count: max(0, 4 - year.count)))\(year)-\(two(p.month!))-\(two(p.day!))T"
            + "\(two(p.hour!)):\(two(p.minute!)):\(two(p.second!))Z"
    }
}
