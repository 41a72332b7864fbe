public import Foundation

/// Reads how long a receiver asks the sender to wait: the HTTP `Retry-After` header
/// (delay-seconds or an HTTP-date, RFC 9110 §10.2.3).
public enum RetryAfter {
    /// Seconds from `now` that the header value asks for; nil when it is neither a number
    /// nor an HTTP-date. A date in the past gives 0.
    public static func seconds(header value: String, now: Date) -> TimeInterval? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite {
            return max(0, seconds)
        }
        guard let date = httpDate(trimmed) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// Parses the three HTTP-date forms: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`),
    /// RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
    static func httpDate(_ text: String) -> Date? {
        let tokens = text.replacingOccurrences(of: ",", with: " ").replacingOccurrences(of: "-", with: " ")
            .split(separator: " ").map(String.init)
        guard tokens.count >= 5 else { return nil }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        func month(_ token: String) -> Int? { months.firstIndex(of: token.lowercased()).map { $0 + 1 } }
        var day: Int?, monthNumber: Int?, year: Int?, time: String?
        if let asctimeMonth = month(tokens[1]) {
            (monthNumber, day, time, year) = (asctimeMonth, Int(tokens[2]), tokens[3], Int(tokens[4]))
        } else {
            (day, monthNumber, year, time) = (Int(tokens[1]), month(tokens[2]), Int(tokens[3]), tokens[4])
            if tokens.count > 5, tokens[5].uppercased() != "GMT" { return nil }
        }
        guard let day, let monthNumber, var year, let time else { return nil }
        if year < 100 { year += year < 70 ? 2000 : 1900 }
        let clock = time.split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (1...31).contains(day), (0...23).contains(clock[0]), (0...59).contains(clock[1]),
            (0...60).contains(clock[2])
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "GMT")!
        return calendar.date(
            from: DateComponents(year: year, month: monthNumber, day: day, hour: clock[0], minute: clock[1], second: clock[2]))
    }
}
