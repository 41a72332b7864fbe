import Foundation
import Transport

/// The HTTP side every API source shares: one request through the transport, retried on
/// timeouts, connection failures, 429 and 5xx with bounded backoff on the injected clock,
/// paced when the service's rate-limit budget runs low, and every failure turned into a
/// `SourceError` that names the host and nothing secret.
///
/// A value type: each poll or write takes a copy, so the pacing it learns from one response
/// applies to the next request of the same poll. Its mirror shows no credential.
struct SourceClient: Sendable, CustomReflectable {
    let source: String
    let transport: any HTTPTransport
    let clock: any DeliveryClock
    let settings: SourceHTTPSettings
    /// The `Authorization` header, sensitive.
    let authorization: HTTPHeader?
    /// Blanks text that must never leave in an error: tokens, keys, encoded credentials.
    let secrets: Redaction
    /// True when a URL's path may be named in an error (a vendor API's paths, which the
    /// source writes); false when the URL is the configuration's secret (`http_json`).
    let showsPaths: Bool
    /// Seconds the next request waits first, learned from rate-limit headers.
    private(set) var pause: TimeInterval = 0

    init(
        source: String, transport: any HTTPTransport, clock: any DeliveryClock, settings: SourceHTTPSettings,
        authorization: HTTPHeader?, secrets: [String], showsPaths: Bool = false
    ) {
        self.source = source
        self.transport = transport
        self.clock = clock
        self.settings = settings
        self.authorization = authorization
        self.secrets = Redaction(secrets)
        self.showsPaths = showsPaths
    }

    var customMirror: Mirror {
        Mirror(self, children: ["source": source, "pause": pause], displayStyle: .struct)
    }

    /// The `Authorization: Basic` header for `user` and `password`.
    static func basic(user: String, password: String) -> HTTPHeader {
        let encoded = Data("\(user):\(password)".utf8).base64EncodedString()
        return HTTPHeader("Authorization", secret: Secret("Basic \(encoded)"))
    }

    /// The host of `url`, the only part of it an error shows.
    static func host(of url: String) -> String {
        if let host = URLComponents(string: url)?.host, !host.isEmpty { return host }
        return "the configured host"
    }

    /// Sends one request and returns a 2xx answer; anything else, after the retries the
    /// settings allow, is thrown.
    mutating func send(
        _ method: HTTPRequest.Method, _ url: String, json body: Data? = nil
    ) async throws(SourceError) -> HTTPResponse {
        let host = SourceClient.host(of: url)
        var headers = [HTTPHeader("Accept", "application/json")]
        if let authorization { headers.append(authorization) }
        if body != nil { headers.append(HTTPHeader("Content-Type", "application/json")) }
        var attempt = 0
        while true {
            if pause > 0 {
                let wait = pause
                pause = 0
                try await sleep(wait, host: host, because: "its rate-limit budget is nearly spent")
            }
            attempt += 1
            let request = HTTPRequest(
                method: method, url: Secret(url), headers: headers, body: body ?? Data(), timeout: settings.timeout,
                maxResponseBytes: settings.maxResponseBytes)
            let response: HTTPResponse
            do {
                response = try await transport.send(request)
            } catch let error as TransportError {
                let failure = self.failure(error, host: host, attempts: attempt)
                guard failure.recoverable, attempt < settings.retry.maxAttempts else { throw failure }
                try await sleep(backoff(attempt), host: host, because: "retrying after \(failure.code.rawValue)")
                continue
            } catch {
                throw SourceError(
                    code: .cancelled, source: source, host: host, message: "the request was cancelled", recoverable: true)
            }
            learnPacing(from: response)
            switch response.status {
            case 200..<300:
                if response.bodyTruncated {
                    throw SourceError(
                        code: .badResponse, source: source, host: host,
                        message: "HTTP \(response.status): the answer is longer than \(settings.maxResponseBytes) bytes; ask for smaller pages",
                        recoverable: false, status: response.status)
                }
                return response
            case 429, 500..<600:
                let asked = response.header("Retry-After").flatMap { RetryAfter.seconds(header: $0, now: clock.date()) }
                let limited = response.status == 429
                if attempt < settings.retry.maxAttempts, (asked ?? 0) <= settings.retry.maxRetryAfter {
                    try await sleep(
                        asked ?? backoff(attempt), host: host,
                        because: "HTTP \(response.status)" + (asked == nil ? ", retrying" : ", which asks to wait that long"))
                    continue
                }
                let why = limited
                    ? "HTTP 429: still rate limited after \(attempt) attempts"
                        + (asked.map { "; the service asks to wait \(Int($0.rounded(.up))) s" } ?? "")
                        + "; poll less often or raise the API plan's limit"
                    : "HTTP \(response.status) after \(attempt) attempts: the service is failing\(excerpt(response))"
                throw SourceError(
                    code: limited ? .rateLimited : .serverError, source: source, host: host, message: why, recoverable: true,
                    status: response.status, retryAfter: asked)
            default:
                throw clientFailure(response, host: host, asked: asked(method, url))
            }
        }
    }

    // MARK: Failures

    private func failure(_ error: TransportError, host: String, attempts: Int) -> SourceError {
        let code: SourceError.Code
        switch error.code {
        case .timeout: code = .timeout
        case .tls: code = .tls
        case .invalidRequest: code = .invalidSettings
        case .protocolError: code = .badResponse
        default: code = .connection
        }
        let after = attempts > 1 ? " (after \(attempts) attempts)" : ""
        return SourceError(
            code: code, source: source, host: host, message: redact(error.message) + after, recoverable: error.recoverable)
    }

    /// ` (GET /api/v2/tickets.json)`: what was asked, for a source that may name its paths;
    /// the query is left out, and any secret blanked.
    private func asked(_ method: HTTPRequest.Method, _ url: String) -> String {
        guard showsPaths, let path = URLComponents(string: url)?.percentEncodedPath, !path.isEmpty else { return "" }
        return " (\(method.rawValue) \(redact(path)))"
    }

    private func clientFailure(_ response: HTTPResponse, host: String, asked: String) -> SourceError {
        let status = response.status
        let code: SourceError.Code
        let advice: String
        switch status {
        case 401, 403:
            code = .authentication
            advice = "the service refused the credentials; check the account, its token or key, and its permissions"
        case 404:
            code = .notFound
            advice = "no such resource; check the source's url (and the ticket id, for a write)"
        case 300..<400:
            code = .clientError
            advice = "the service redirects; set the source's url to where it points"
        default:
            code = .clientError
            advice = "the service refused the request"
        }
        return SourceError(
            code: code, source: source, host: host, message: "HTTP \(status)\(asked): \(advice)\(excerpt(response))", recoverable: false,
            status: status)
    }

    /// `: <the first 200 characters of the body>` on one line, secrets blanked; empty for no body.
    private func excerpt(_ response: HTTPResponse) -> String {
        var text = String(decoding: response.body.prefix(600), as: UTF8.self)
        text = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return "" }
        text = redact(text)
        if text.count > 200 { text = String(text.prefix(200)) + "…" }
        return " (the service said: \(text))"
    }

    /// Blanks every known secret, and anything that looks like an `Authorization` value.
    func redact(_ text: String) -> String {
        var result = secrets.apply(text)
        for scheme in ["Basic ", "Bearer ", "Token token="] {
            var searchStart = result.startIndex
            while let range = result.range(of: scheme, options: .caseInsensitive, range: searchStart..<result.endIndex) {
                let valueEnd = result[range.upperBound...].firstIndex { $0 == " " || $0 == "\"" || $0 == "," || $0 == "'" }
                    ?? result.endIndex
                result.replaceSubrange(range.upperBound..<valueEnd, with: "<secret>")
                searchStart = result.index(range.upperBound, offsetBy: "<secret>".count, limitedBy: result.endIndex) ?? result.endIndex
            }
        }
        return result
    }

    // MARK: Waiting

    private func backoff(_ attempt: Int) -> TimeInterval {
        let ceiling = settings.retry.ceiling(afterAttempt: attempt)
        return ceiling / 2 + ceiling / 2 * min(max(settings.random(), 0), 1)
    }

    private func sleep(_ seconds: TimeInterval, host: String, because why: String) async throws(SourceError) {
        if seconds >= settings.longWait, let tell = settings.onLongWait {
            tell("\(source): waiting \(Int(seconds.rounded(.up))) s before the next request to \(host): \(why)")
        }
        do {
            try await clock.sleep(for: seconds)
        } catch {
            throw SourceError(code: .cancelled, source: source, host: host, message: "the poll was cancelled", recoverable: true)
        }
    }

    /// Remembers to wait before the next request when the rate-limit budget is nearly spent.
    private mutating func learnPacing(from response: HTTPResponse) {
        let remainingNames = ["X-RateLimit-Remaining", "RateLimit-Remaining", "X-Rate-Limit-Remaining"]
        guard let text = remainingNames.lazy.compactMap({ response.header($0) }).first,
              let remaining = Int(text.trimmingCharacters(in: .whitespaces)),
              remaining <= settings.lowRemaining
        else { return }
        let resetNames = ["X-RateLimit-Reset", "RateLimit-Reset", "X-Rate-Limit-Reset"]
        let reset = resetNames.lazy.compactMap { response.header($0) }.first.flatMap(resetSeconds)
        pause = min(reset ?? settings.lowRemainingPause, settings.retry.maxRetryAfter)
    }

    /// A reset header as seconds from now: delta seconds, epoch seconds or milliseconds, an
    /// RFC 3339 time (Jira) or an HTTP date.
    private func resetSeconds(_ text: String) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let now = clock.date().timeIntervalSince1970
        if let number = Double(trimmed), number.isFinite {
            if number > 1e12 { return max(0, number / 1000 - now) }
            if number > 1e9 { return max(0, number - now) }
            return max(0, number)
        }
        if let date = VendorTime.parse(trimmed) { return max(0, date.timeIntervalSince1970 - now) }
        return RetryAfter.seconds(header: trimmed, now: clock.date())
    }
}
