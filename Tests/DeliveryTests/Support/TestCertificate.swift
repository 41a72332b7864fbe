import Foundation

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
