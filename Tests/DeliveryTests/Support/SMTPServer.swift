import Foundation

/// A real SMTP server (aiosmtpd, `Fixtures/smtp_receiver.py`) for one test.
struct SMTPServer: Sendable {
    enum TLS: String, Sendable { case none, starttls, implicit }

    let process: FixtureProcess
    let output: String

    var port: Int { process.port }

    static func start(
        tls: TLS = .none, auth: (user: String, password: String)? = nil, rejecting: [String] = [], rejectingData: String? = nil
    ) async throws -> SMTPServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let output = directory.appendingPathComponent("mail.jsonl").path
        var arguments = ["--out", output, "--tls", tls.rawValue]
        if tls != .none {
            let certificate = try await TestCertificate.shared()
            arguments += ["--cert", certificate.certificate, "--key", certificate.key]
        }
        if let auth { arguments += ["--auth", "\(auth.user):\(auth.password)"] }
        for address in rejecting { arguments += ["--reject", address] }
        if let rejectingData { arguments += ["--reject-data", rejectingData] }
        return SMTPServer(process: try await FixtureProcess.start("smtp_receiver.py", arguments), output: output)
    }

    /// The messages accepted so far.
    func messages() throws -> [ReceivedMail] {
        guard let data = FileManager.default.contents(atPath: output) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try JSONDecoder().decode(ReceivedMail.self, from: Data($0.utf8))
        }
    }

    func stop() { process.stop() }
}
