internal import CCurl
import Foundation

/// One easy handle and everything libcurl reads from or writes into while it runs.
///
/// Confined to the curl thread: created, driven and destroyed there, never shared. The
/// callbacks reach it through the unretained pointer set as their user data, which stays
/// valid because `CurlMultiLoop` holds the transfer until the handle leaves the multi handle.
final class CurlTransfer {
    let id: UInt64
    let easy: UnsafeMutableRawPointer
    let continuation: UnsafeContinuation<CurlResult, any Error>
    let host: String
    let isMail: Bool
    /// Secrets to blank out of curl's error text, worked out only when there is an error.
    private let secrets: (urls: [Secret], headers: [HTTPHeader], extra: [Secret])
    var redaction: Redaction { Redaction(urls: secrets.urls, headers: secrets.headers, extra: secrets.extra) }
    /// What the error says about the recipient or sender.
    let recipient: String?
    let sender: String?
    let timeout: TimeInterval

    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var recipientList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var upload: [UInt8] = []
    private var uploadOffset = 0
    private var body: [UInt8] = []
    private var bodyLimit = 0
    private var truncated = false
    private var headers: [HTTPHeader] = []
    private var lastReply = ""
    /// The relay's last reply of 4xx or 5xx.
    private var lastRefusal = ""

    /// Creates the easy handle and sets every option; throws `invalid_request` when libcurl
    /// refuses one (a header with CR or LF, an option this libcurl lacks).
    ///
    /// `reusing` is an easy handle a finished transfer gave back (`handBack()`), reset to
    /// libcurl's defaults; without one a new handle is made.
    init(job: CurlJob, settings: TransportSettings, reusing spare: UnsafeMutableRawPointer? = nil) throws {
        guard let easy = spare ?? curl_easy_init() else {
            throw TransportError(
                code: .protocolError, host: "libcurl", message: "libcurl could not create a transfer (out of memory?)",
                recoverable: true)
        }
        self.easy = easy
        self.id = job.id
        self.continuation = job.continuation
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        switch job.work {
        case .http(let request):
            host = request.host
            isMail = false
            secrets = ([request.url] + (settings.proxy.map { [$0] } ?? []), request.headers, [])
            recipient = nil
            sender = nil
            timeout = request.timeout ?? settings.timeout
            try configureCommon(settings: settings, timeout: timeout)
            try configure(request, settings: settings)
        case .mail(let mail):
            host = mail.host
            isMail = true
            secrets = ([Secret(mail.url)], [], mail.password.map { [$0] } ?? [])
            recipient = mail.recipient
            sender = mail.sender
            timeout = mail.timeout ?? settings.timeout
            try configureCommon(settings: settings, timeout: timeout)
            try configure(mail, settings: settings)
        }
    }

    /// The easy handle was given back for another transfer: not cleaned up here.
    private var handedBack = false

    deinit {
        if !handedBack { curl_easy_cleanup(easy) }
        curl_slist_free_all(headerList)
        curl_slist_free_all(recipientList)
        errorBuffer.deallocate()
    }

    /// Gives the easy handle back, reset to libcurl's defaults, for the next transfer; call
    /// once the handle is off the multi handle. Its buffers and state go with it.
    func handBack() -> UnsafeMutableRawPointer {
        handedBack = true
        curl_easy_reset(easy)
        return easy
    }

    // MARK: Options

    private func configureCommon(settings: TransportSettings, timeout: TimeInterval) throws {
        let context = Unmanaged.passUnretained(self).toOpaque()
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try set(CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeout * 1000))
        try set(CURLOPT_TIMEOUT_MS, max(1, Int(timeout * 1000)))
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try check(slw_easy_setopt_write_function(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            CurlTransfer.from(context).receiveBody(data, size * count)
        })
        try set(CURLOPT_WRITEDATA, pointer: context)
        try check(slw_easy_setopt_write_function(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            CurlTransfer.from(context).receiveHeader(data, size * count)
        })
        try set(CURLOPT_HEADERDATA, pointer: context)
    }

    private func configure(_ request: HTTPRequest, settings: TransportSettings) throws {
        try set(CURLOPT_URL, request.url.reveal())
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        if request.followRedirects {
            try set(CURLOPT_FOLLOWLOCATION, 1)
            try set(CURLOPT_MAXREDIRS, 5)
            try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        } else {
            try set(CURLOPT_FOLLOWLOCATION, 0)
        }
        if let caFile = settings.caFile { try set(CURLOPT_CAINFO, caFile) }
        // An empty proxy turns off the environment's http_proxy and friends.
        try set(CURLOPT_PROXY, settings.proxy?.reveal() ?? "")
        try set(CURLOPT_USERAGENT, settings.userAgent)
        bodyLimit = max(0, request.maxResponseBytes)

        var lines: [String] = []
        for header in request.headers {
            guard HTTPHeader.isValidName(header.name) else {
                throw invalid("a header name is not an HTTP token")
            }
            guard !header.value.containsLineBreakOrNUL else {
                throw invalid("the value of header \(header.name) holds a line break")
            }
            lines.append(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        // No `Expect: 100-continue` round trip before a body.
        lines.append("Expect:")
        for line in lines {
            guard let list = curl_slist_append(headerList, line) else { throw invalid("out of memory for headers") }
            headerList = list
        }
        try set(CURLOPT_HTTPHEADER, list: headerList)

        switch request.method {
        case .get:
            try set(CURLOPT_HTTPGET, 1)
        case .post:
            try set(CURLOPT_POST, 1)
        case .put, .patch, .delete:
            try set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        if request.method != .get, !request.body.isEmpty || request.method == .post {
            try check(slw_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            // libcurl copies the body (COPYPOSTFIELDS), so it need not outlive this call.
            if request.body.isEmpty {
                try set(CURLOPT_COPYPOSTFIELDS, "")
            } else {
                try request.body.withUnsafeBytes { raw in
                    try check(slw_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress!)))
                }
            }
        }
    }

    private func configure(_ mail: MailRequest, settings: TransportSettings) throws {
        let scheme = URLText.scheme(of: mail.url)
        guard scheme == "smtp" || scheme == "smtps" else {
            throw invalid("the relay URL must start with smtp:// or smtps://")
        }
        try set(CURLOPT_URL, mail.url)
        try set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        try set(CURLOPT_PROXY, "")
        switch mail.security {
        case .starttls, .implicit: try set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case .none: try set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
        }
        if let caFile = mail.caFile { try set(CURLOPT_CAINFO, caFile) }
        if let username = mail.username { try set(CURLOPT_USERNAME, username) }
        if let password = mail.password { try set(CURLOPT_PASSWORD, password.reveal()) }
        for address in [mail.sender, mail.recipient]
        where address.containsLineBreakOrNUL || address.contains(where: { $0 == "<" || $0 == ">" }) {
            throw invalid("an envelope address holds a line break or angle bracket")
        }
        try set(CURLOPT_MAIL_FROM, "<\(mail.sender)>")
        guard let list = curl_slist_append(nil, "<\(mail.recipient)>") else { throw invalid("out of memory") }
        recipientList = list
        try set(CURLOPT_MAIL_RCPT, list: recipientList)
        upload = [UInt8](mail.message)
        try set(CURLOPT_UPLOAD, 1)
        try check(slw_easy_setopt_off_t(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(upload.count)))
        try check(slw_easy_setopt_read_function(easy, CURLOPT_READFUNCTION) { buffer, size, count, context in
            CurlTransfer.from(context).send(into: buffer, size * count)
        })
        try set(CURLOPT_READDATA, pointer: Unmanaged.passUnretained(self).toOpaque())
    }

    private func set(_ option: CURLoption, _ value: Int) throws {
        try check(slw_easy_setopt_long(easy, option, value))
    }

    private func set(_ option: CURLoption, _ value: String) throws {
        try check(value.withCString { slw_easy_setopt_string(easy, option, $0) })
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws {
        try check(slw_easy_setopt_pointer(easy, option, pointer))
    }

    private func set(_ option: CURLoption, list: UnsafeMutablePointer<curl_slist>?) throws {
        try check(slw_easy_setopt_slist(easy, option, list))
    }

    private func check(_ code: CURLcode) throws {
        guard code == CURLE_OK else {
            throw invalid("libcurl refused an option: \(String(cString: curl_easy_strerror(code)))")
        }
    }

    private func invalid(_ what: String) -> TransportError {
        TransportError(
            code: .invalidRequest, host: host, message: "the request to \(host) is invalid: \(what)", recoverable: false)
    }

    // MARK: Callbacks (on the curl thread, inside curl_multi_perform)

    private static func from(_ context: UnsafeMutableRawPointer?) -> CurlTransfer {
        Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
    }

    private func receiveBody(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let data, count > 0 else { return 0 }
        let room = bodyLimit - body.count
        if room >= count {
            body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: count))
        } else {
            if room > 0 { body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: room)) }
            truncated = true
        }
        return count
    }

    /// One header line (or SMTP reply line), read as bytes: only a header's name and value
    /// become strings.
    private func receiveHeader(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let data, count > 0 else { return count }
        let raw = UnsafeRawBufferPointer(start: data, count: count).bindMemory(to: UInt8.self)
        let line = CurlTransfer.trimmed(raw[...])
        if isMail {
            if !line.isEmpty {
                lastReply = String(decoding: UnsafeBufferPointer(rebasing: line), as: UTF8.self)
                // A refusal is followed by the answer to QUIT, so it is kept apart.
                if line[line.startIndex] == UInt8(ascii: "4") || line[line.startIndex] == UInt8(ascii: "5") { lastRefusal = lastReply }
            }
        } else if line.starts(with: "HTTP/".utf8) {
            headers.removeAll()  // a new response (after a 1xx or a redirect) starts over
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            let name = String(decoding: UnsafeBufferPointer(rebasing: line[..<colon]), as: UTF8.self)
            let value = String(decoding: UnsafeBufferPointer(rebasing: CurlTransfer.trimmed(line[(colon + 1)...])), as: UTF8.self)
            headers.append(HTTPHeader(name, value))
        }
        return count
    }

    /// `bytes` without leading and trailing ASCII white space (CR and LF included).
    private static func trimmed(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }

    private func send(into buffer: UnsafeMutablePointer<CChar>?, _ room: Int) -> Int {
        guard let buffer else { return 0 }
        let count = min(room, upload.count - uploadOffset)
        guard count > 0 else { return 0 }
        upload.withUnsafeBytes { raw in
            UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + uploadOffset, byteCount: count)
        }
        uploadOffset += count
        return count
    }

    // MARK: Completion

    /// The transfer's outcome once libcurl says it is done.
    func result(for code: CURLcode) -> Result<CurlResult, TransportError> {
        var status = 0
        _ = slw_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        if code == CURLE_OK {
            let bodyData = isMail ? Data(lastReply.utf8) : Data(body)
            return .success(CurlResult(status: status, headers: headers, body: bodyData, truncated: truncated))
        }
        return .failure(error(for: code, replyCode: status))
    }

    private func error(for code: CURLcode, replyCode: Int) -> TransportError {
        let detailText = redaction.apply(String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines))
        let detail = detailText.isEmpty ? String(cString: curl_easy_strerror(code)) : detailText
        let reply = replyCode > 0 ? replyCode : nil
        let transient = reply.map { $0 / 100 == 4 } ?? true
        func make(_ code: TransportError.Code, _ message: String, recoverable: Bool) -> TransportError {
            TransportError(code: code, host: host, message: message, recoverable: recoverable, replyCode: reply)
        }
        // The relay's own reply (`535 5.7.8 …`) tells a bad password from a policy; libcurl's
        // text names only the command.
        let relayReply = isMail ? reply.flatMap { code in
            lastRefusal.hasPrefix(String(code)) ? "\"\(redaction.apply(String(lastRefusal.prefix(300))))\"" : nil
        } : nil
        let why = relayReply.map { "with \($0)" } ?? "(\(detail))"
        if isMail, detail.hasPrefix("RCPT failed") {
            return make(
                .rejectedRecipient,
                "\(host) refused the recipient \(recipient ?? "?") \(why); check the address"
                    + (transient ? "; the relay asks to try again later" : ""),
                recoverable: transient)
        }
        if isMail, detail.hasPrefix("MAIL failed") {
            return make(
                .rejectedSender,
                "\(host) refused the sender \(sender ?? "?") \(why); check the relay's from and that its "
                    + "login may send as that address",
                recoverable: transient)
        }
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            // The limit that ran out is said as waited: the connection's (for mail, up to the
            // relay's greeting) ends sooner than the exchange's.
            var waited: curl_off_t = 0
            _ = slw_easy_getinfo_off_t(easy, CURLINFO_TOTAL_TIME_T, &waited)
            let seconds = Double(waited) / 1_000_000
            let said = seconds >= 1 ? seconds.rounded() : (seconds * 10).rounded() / 10
            return make(
                .timeout, "\(host) did not answer within \(TransportError.seconds(waited > 0 ? said : timeout)) s (\(detail))",
                recoverable: true)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_GOT_NOTHING,
            CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE:
            return make(
                .connection,
                "could not complete the exchange with \(host): \(detail); check the host, the port and that the "
                    + "network lets slawatch reach it",
                recoverable: true)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_CRL_BADFILE:
            return make(
                .tls,
                "the TLS certificate of \(host) could not be verified (\(detail)); give the CA that signed it as "
                    + "ca_file, and check that the certificate names \(host)",
                recoverable: false)
        case CURLE_USE_SSL_FAILED:
            return make(
                .tls,
                "\(host) does not offer STARTTLS (\(detail)); use tls: implicit with smtps://, or tls: none only "
                    + "on a trusted network",
                recoverable: false)
        case CURLE_SSL_CONNECT_ERROR:
            return make(
                .tls,
                "the TLS handshake with \(host) failed (\(detail)); check that the port speaks TLS the way tls says",
                recoverable: true)
        case CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR:
            return make(
                .authentication, "\(host) refused the login \(why); check username and password_file",
                recoverable: false)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return make(
                .invalidRequest,
                "the URL for \(host) is malformed or not allowed (\(detail)); webhooks take http:// or https://, "
                    + "relays smtp:// or smtps://",
                recoverable: false)
        case CURLE_TOO_MANY_REDIRECTS:
            return make(.protocolError, "\(host) redirected too often (\(detail))", recoverable: false)
        default:
            if let relayReply, let reply, reply >= 400 {
                // libcurl says only "Weird server reply" when the relay refuses the message itself
                // (after DATA); the relay's own reply says why.
                return make(
                    .protocolError,
                    "\(host) refused the message with \(relayReply)"
                        + (transient ? "; the relay asks to try again later" : "; check the relay's rules for this sender and message"),
                    recoverable: transient)
            }
            return make(
                .protocolError, "the exchange with \(host) failed: \(detail)",
                recoverable: transient)
        }
    }
}
