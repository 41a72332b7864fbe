import Foundation
import Testing
import Transport

/// The JSON writer `evaluate` streams its report through, and `serialized(pretty:)` uses.
@Suite struct JSONWriterTests {
    @Test func escapesAndNumbersAreSpelledAsDocumented() {
        let value: JSONValue = .array([
            .string("q\" b\\ n\n r\r t\t bell\u{07} us\u{1F} del\u{7F} \u{2028}\u{2029} é 😀 /"),
            .double(100), .double(-0.0), .double(2.5), .double(1e15), .double(1e16), .double(-3), .double(.nan), .int(-42), .int(0),
        ])
        #expect(value.serialized() == #"["q\" b\\ n\n r\r t\t bell\u0007 us\u001f del"# + "\u{7F}" + #" \u2028\u2029 é 😀 /",100.0,-0.0,2.5,1000000000000000.0,1e+16,-3.0,null,-42,0]"#)
    }

    /// Other characters that start with the byte E2, as U+2028 and U+2029 do, pass as they
    /// are; the separators are escaped at either end of a string and side by side.
    @Test func onlyTheLineSeparatorsAmongE2SequencesAreEscaped() {
        let value: JSONValue = .array([
            .string("\u{2027}\u{2028}\u{202A} € → \u{2029}"), .string("\u{2028}x\u{2029}"), .string("\u{2029}\u{2028}"), .string(""),
        ])
        #expect(value.serialized() == "[\"\u{2027}" + #"\u2028"# + "\u{202A} € → " + #"\u2029","\u2028x\u2029","\u2029\u2028",""]"#)
    }

    @Test func prettyNestingMatchesTheDocumentedLayout() {
        let value: JSONValue = .object(["a": .array([]), "b": .object([:]), "c": .array([.int(1), .object(["d": .null])])])
        #expect(value.serialized(pretty: true) == """
        {
          "a": [],
          "b": {},
          "c": [
            1,
            {
              "d": null
            }
          ]
        }
        """)
    }

    @Test func entriesWrittenElsewhereArePlacedWithTheirCommas() {
        var writer = JSONWriter(pretty: true)
        writer.beginObject()
        writer.key("items")
        writer.beginArray()
        var out: [UInt8] = writer.take()
        for part in [[1, 2], [], [3]] {
            var entries = writer.nested()
            for n in part { entries.int(n) }
            let placed = writer.place(entries)
            out += writer.take() + placed
        }
        writer.endArray()
        writer.endObject()
        out += writer.take()
        #expect(String(decoding: out, as: UTF8.self) == "{\n  \"items\": [\n    1,\n    2,\n    3\n  ]\n}")
    }

    @Test func anArrayWithNoPlacedEntriesIsEmpty() {
        var writer = JSONWriter(pretty: true)
        writer.beginArray()
        _ = writer.place(writer.nested())
        writer.endArray()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[]")
    }
}
