import Foundation

/// A real SMTP server (aiosmtpd, `Fixtures/smtp_receiver.py`) for one test.
struct SMTPServer: Sendable {
    enum TLS: String, Sendable { case none, starttls, implicit }

    let process: FixtureProcess
    let output: String

    var port: Int { process.port }

    static func start(tls: TLS = .none, auth: (user: String, password: String)? = nil, rejecting: [String] = []) async throws -> SMTPServer {
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

/// A self-signed certificate for 127.0.0.1, made once per test run with `openssl req -x509`.
struct TestCertificate: Sendable {
    let certificate: String
    let key: String

    private static let made = Task { () throws -> TestCertificate in
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
            "-out", certificate, "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FixtureError("openssl req failed") }
        return TestCertificate(certificate: certificate, key: key)
    }

    static func shared() async throws -> TestCertificate {
        try await made.value
    }
}
