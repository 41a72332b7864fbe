public import Foundation
public import Transport

extension RetryAfter {
    /// Discord's `retry_after` (seconds, fractional) from a 429's JSON body; nil when absent.
    public static func seconds(discordBody body: Data) -> TimeInterval? {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let value = object["retry_after"] as? NSNumber
        else { return nil }
        let seconds = value.doubleValue
        return seconds.isFinite ? max(0, seconds) : nil
    }
}
