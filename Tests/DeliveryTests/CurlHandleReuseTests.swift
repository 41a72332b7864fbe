import Foundation
import Testing
import Transport

/// The curl thread hands a finished transfer's easy handle to the next one: nothing of the
/// earlier request (method, headers, body, timeout, redirects) may reach the later one.
@Suite struct CurlHandleReuseTests {
    @Test func aReusedHandleCarriesNothingOfTheRequestBefore() async throws {
        let receiver = try await HTTPReceiver.shared()
        let transport = try CurlTransport()
        let (posts, postURL) = receiver.endpoint("ok")
        let (gets, getURL) = receiver.endpoint("ok")
        for round in 0..<20 {
            let post = try await transport.send(HTTPRequest(
                method: .post, url: Secret(postURL), headers: [HTTPHeader("X-Earlier", "round-\(round)")],
                body: Data(#"{"round": \#(round)}"#.utf8), timeout: 30, followRedirects: true))
            #expect(post.status == 200)
            let get = try await transport.send(HTTPRequest(method: .get, url: Secret(getURL)))
            #expect(get.status == 200)
        }
        let sent = try await receiver.records(posts)
        let fetched = try await receiver.records(gets)
        #expect(sent.count == 20 && fetched.count == 20)
        #expect(sent.allSatisfy { $0.method == "POST" && $0.header("X-Earlier") != nil })
        #expect(sent.map(\.body) == (0..<20).map { #"{"round": \#($0)}"# })
        for request in fetched {
            #expect(request.method == "GET")
            #expect(request.header("X-Earlier") == nil)
            #expect(request.header("Content-Length") == nil)
            #expect(request.body.isEmpty)
        }
    }
}
