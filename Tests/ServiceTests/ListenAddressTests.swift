import Testing
import Service

@Suite("ListenAddress")
struct ListenAddressTests {
    @Test("parses HOST:PORT and [IPV6]:PORT", arguments: [
        ("127.0.0.1:9469", "127.0.0.1", 9469),
        ("0.0.0.0:0", "0.0.0.0", 0),
        ("[::1]:9469", "::1", 9469),
        ("[fe80::1%eth0]:80", "fe80::1%eth0", 80),
        ("localhost:65535", "localhost", 65535),
    ])
    func parses(text: String, host: String, port: Int) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address == ListenAddress(host: host, port: port))
        #expect(address.description == text)
    }

    @Test("refuses anything else", arguments: [
        "", "9469", ":9469", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:http",
        "::1:9469x", "[::1:9469", "::1]:9469", "[]:9469", "127.0.0.1: 9469", "127.0.0.1:+80",
    ])
    func refuses(text: String) {
        #expect(throws: ListenAddress.InvalidAddress(text: text)) { try ListenAddress(parsing: text) }
    }

    @Test("the error says how to write it")
    func message() {
        #expect(ListenAddress.InvalidAddress(text: "x").description
            == #"listen: "x" is not HOST:PORT; write an address and a port such as 127.0.0.1:9469, [::1]:9469 or 0.0.0.0:9469"#)
    }
}
