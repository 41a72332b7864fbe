import Foundation
import Testing
@testable import TicketSources
import Transport

/// The JSON reader every API source parses its pages with.
@Suite struct JSONParsingTests {
    @Test(arguments: [
        (#"{"a": [1, -2, 3.5, 1e3, true, false, null]}"#,
         JSONValue.object(["a": .array([.int(1), .int(-2), .double(3.5), .double(1000), .bool(true), .bool(false), .null])])),
        (#""caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \n\t""#, .string("café 😀 \"q\" \\ / \n\t")),
        ("\u{FEFF}[]", .array([])),
        (" { } ", .object([:])),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        (#""ünïcödé""#, .string("ünïcödé")),
    ] as [(String, JSONValue)])
    func readsDocuments(text: String, expected: JSONValue) {
        #expect(JSONValue.parse(Data(text.utf8)) == expected)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"unterminated", "\"bad \\x escape\"", "[1] 2",
        "{\"a\": 1,}", "\"tab\there\"", "NaN",
    ])
    func refusesWhatIsNotJSON(text: String) {
        #expect(JSONValue.parse(Data(text.utf8)) == nil)
    }

    @Test func readsAThousandTicketPageQuickly() {
        let item = #"{"id": 1, "subject": "Card declined", "status": "open", "tags": ["a", "b"], "via": {"channel": "email"}, "created_at": "2026-11-17T09:00:00Z", "custom_fields": [{"id": 1, "value": null}], "description": "Lorem ipsum dolor sit amet, consectetur adipiscing elit."}"#
        let data = Data(("{\"tickets\": [" + Array(repeating: item, count: 1000).joined(separator: ",") + "]}").utf8)
        let start = ContinuousClock.now
        let node = JSONValue.parse(data)
        #expect(node?["tickets"]?.array?.count == 1000)
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func numbersAndTextReadAsIdsAndInstants() {
        #expect(JSONValue.int(360_012_345_678).text == "360012345678")
        #expect(JSONValue.double(42).text == "42")
        #expect(JSONValue.string("7").int == 7)
        #expect(VendorTime.parse(.int(1_795_000_000)) == Date(timeIntervalSince1970: 1_795_000_000))
        #expect(VendorTime.parse(.int(1_795_000_000_123)) == Date(timeIntervalSince1970: 1_795_000_000))
        #expect(VendorTime.parse("2026-11-17T08:00:00.000-0130") == Date(timeIntervalSince1970: 1_794_907_800))
        #expect(VendorTime.parse("2026-11-17") == nil)
    }

    /// One value type for reading and writing: members keep the document's order, a repeated
    /// key reads as its last value, request bodies sort their keys, printed output does not.
    @Test func objectsKeepTheirOrderAndTheLastOfARepeatedKey() throws {
        let node = try #require(JSONValue.parse(Data(#"{"b": 1, "a": [2.5, "x/y"], "b": 3}"#.utf8)))
        #expect(node["b"] == .int(3))
        #expect(node.object?.members.map(\.key) == ["b", "a", "b"])
        #expect(node.serialized() == #"{"b":1,"a":[2.5,"x/y"],"b":3}"#)
        var built: JSONObject = [("z", 1), ("a", .double(2)), ("m", .null)]
        built["a"] = "two"
        built["n"] = .double(.nan)
        #expect(JSONValue.object(built).serialized() == #"{"z":1,"a":"two","m":null,"n":null}"#)
        #expect(String(decoding: JSONValue.object(built).encoded(), as: UTF8.self) == #"{"a":"two","m":null,"n":null,"z":1}"#)
        #expect(JSONValue.object(built).serialized(pretty: true) == "{\n  \"z\": 1,\n  \"a\": \"two\",\n  \"m\": null,\n  \"n\": null\n}")
        built["z"] = nil
        #expect(built.members.map(\.key) == ["a", "m", "n"])
    }
}
