import Hummingbird

extension APIRoutes {
    func silences() throws -> Response {
        throw Refusal(status: .notImplemented, message: "silences are not available yet")
    }

    func addSilence(_ request: Request) async throws -> Response {
        throw Refusal(status: .notImplemented, message: "silences are not available yet")
    }

    func expireSilence(_ id: String) throws -> Response {
        throw Refusal(status: .notImplemented, message: "silences are not available yet")
    }
}
