/// A message as the SMTP fixture parsed it with Python's `email` package.
struct ReceivedMail: Decodable, Sendable {
    struct Part: Decodable, Sendable {
        let content_type: String
        let charset: String?
        let transfer_encoding: String?
        let content: String
    }

    let mail_from: String
    let rcpt_tos: [String]
    /// Decoded header values (encoded-words decoded).
    let headers: [[String]]
    let raw_headers: [[String]]
    let content_type: String
    let parts: [Part]
    let defects: [String]
    let crlf_only: Bool
    let max_line_octets: Int
    let tls: Bool
    let login: String?

    func header(_ name: String) -> String? {
        headers.first { $0[0].lowercased() == name.lowercased() }?[1]
    }

    func headerNames() -> [String] { headers.map { $0[0].lowercased() } }
}
