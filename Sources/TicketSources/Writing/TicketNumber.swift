/// A ticket id as a write-back puts it into a URL path.
enum TicketNumber {
    /// `ticketID` when it is a ticket number (decimal digits), so it can go into a path as
    /// it is; anything else is refused before a request is made.
    static func checked(_ ticketID: String, source: String, host: String, vendor: String) throws(SourceError) -> String {
        guard !ticketID.isEmpty, ticketID.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw SourceError(
                code: .clientError, source: source, host: host,
                message: "\"\(ticketID.prefix(40))\" is not a \(vendor) ticket number; write back only tickets this source reported",
                recoverable: false)
        }
        return ticketID
    }
}
