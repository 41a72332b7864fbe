import ArgumentParser
import Foundation
import SLAConfig
import Transport

/// `--config` and `--url`, for the commands that call the daemon's API.
struct APIOptions: ParsableArguments {
    @OptionGroup var options: ConfigOption

    @Option(name: .long, help: "The listener's base URL (default: http://LISTEN from the configuration).")
    var url: String?

    /// A client for the daemon the configuration describes; exits 78 when the configuration
    /// has no `api_token_file` or its token cannot be read.
    func client() throws -> APIClient {
        let configuration = try options.load()
        guard let reference = configuration.apiToken else {
            Console.error("\(configuration.file): api_token_file is not set, so the daemon's API is off; "
                + "set it (the daemon and this command read the same token) and reload the daemon")
            throw ExitCode(ExitStatus.config)
        }
        let token: Secret
        do {
            token = try configuration.resolveSecret(reference, environment: ProcessInfo.processInfo.environment)
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.config)
        }
        var base = url ?? APIClient.baseURL(listen: configuration.listen)
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            Console.error("--url: \"\(base)\" is not an http:// or https:// URL")
            throw ExitCode(ExitStatus.usage)
        }
        return APIClient(base: base, token: token)
    }
}

/// Calls the daemon's API (`/api/v1/…`) through the libcurl transport, with the API
/// token as a bearer token, and turns its refusals into exit statuses:
/// 64 for a request it refused (400, 409), 66 for what it does not know (404), 69 when the
/// daemon cannot be reached or cannot answer, 77 when it refuses the token.
struct APIClient {
    let base: String
    let token: Secret

    /// `http://HOST:PORT` for a `listen` address; a wildcard address is reached on loopback.
    static func baseURL(listen: String) -> String {
        guard let colon = listen.lastIndex(of: ":") else { return "http://\(listen)" }
        var host = String(listen[..<colon])
        let port = listen[listen.index(after: colon)...]
        switch host {
        case "0.0.0.0", "": host = "127.0.0.1"
        case "[::]", "::": host = "[::1]"
        default: if host.contains(":") && !host.hasPrefix("[") { host = "[\(host)]" }
        }
        return "http://\(host):\(port)"
    }

    /// Sends one request and returns the JSON object answered with a 2xx status; any other
    /// answer is printed on standard error and ends the command with its exit status.
    func call(_ method: HTTPRequest.Method, _ path: String, body: JSONValue? = nil) async throws -> [String: Any] {
        let transport: CurlTransport
        do {
            transport = try CurlTransport()
        } catch {
            Console.error("cannot start the HTTP transport: \(error)")
            throw ExitCode(ExitStatus.unavailable)
        }
        defer { transport.shutdown() }
        var headers = [HTTPHeader("Authorization", secret: Secret("Bearer " + token.reveal())), HTTPHeader("Accept", "application/json")]
        if body != nil { headers.append(HTTPHeader("Content-Type", "application/json")) }
        let request = HTTPRequest(
            method: method, url: Secret(base + path), headers: headers, body: Data((body?.serialized() ?? "").utf8), timeout: 15)
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as TransportError {
            Console.error("cannot reach the daemon at \(base): \(error.message); check that slawatch run is up with this "
                + "configuration (or give --url)")
            throw ExitCode(ExitStatus.unavailable)
        }
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        if (200..<300).contains(response.status), let object { return object }
        let message = object?["error"] as? String
            ?? String(decoding: response.body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        Console.error("the daemon at \(base) answered \(response.status): \(message.isEmpty ? "(no detail)" : message)")
        switch response.status {
        case 400, 409, 413: throw ExitCode(ExitStatus.usage)
        case 401, 403: throw ExitCode(ExitStatus.noPermission)
        case 404 where object != nil: throw ExitCode(ExitStatus.noInput)
        default: throw ExitCode(ExitStatus.unavailable)
        }
    }
}
