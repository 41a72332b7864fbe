public import HTTPTypes
public import Hummingbird

extension Router {
    /// The methods a client may try on a path the listener serves.
    static var usualMethods: [HTTPRequest.Method] { [.get, .head, .post, .put, .patch, .delete] }

    /// Answers 405 with `Allow` for each usual method `path` does not take: a client that
    /// sends `GET` where `POST` is wanted learns so, instead of a 404 that says the path
    /// does not exist. Call it after the path's own routes, naming the methods they take.
    @discardableResult
    public func refuseOtherMethods(at path: RouterPath, allowing allowed: [HTTPRequest.Method]) -> Self {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        for method in Router.usualMethods where !allowed.contains(method) {
            on(path, method: method) { _, _ -> Response in
                let body = method == .head ? ByteBuffer() : ByteBuffer(string: "\(method.rawValue) is not allowed here; this path takes \(allow)\n")
                return Response(
                    status: .methodNotAllowed,
                    headers: [.allow: allow, .contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                    body: ResponseBody(byteBuffer: body))
            }
        }
        return self
    }
}
