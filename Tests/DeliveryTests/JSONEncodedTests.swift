import Foundation
import SLAEngine
import Testing
@testable import Delivery
import Transport

/// `JSONValue.encoded()`, the bytes of every request body: compact, keys sorted, the same
/// value giving the same bytes, and the same document `JSONEncoder` would have written.
@Suite struct JSONEncodedTests {
    @Test func keysAreSortedByTheirBytesAndARepeatedKeyKeepsItsLastValue() {
        var object = JSONObject()
        object.append("b", .int(1))
        object.append("a_b", .array([.double(2), .double(2.5), .double(.infinity), .bool(true)]))
        object.append("aB", .object(["y": .null, "x": .string("é/\"\\\n\t\u{1}")]))
        object.append("Z", .int(-3))
        object.append("b", .int(4))
        #expect(String(decoding: JSONValue.object(object).encoded(), as: UTF8.self)
            == #"{"Z":-3,"aB":{"x":"é/\"\\\n\t\u0001","y":null},"a_b":[2,2.5,null,true],"b":4}"#)
    }

    @Test func timesAreWrittenInUTCToTheSecond() {
        #expect(Date(timeIntervalSince1970: 1_767_225_600.9).rfc3339 == "2026-01-01T00:00:00Z")
        #expect(Date(timeIntervalSince1970: 0).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(Date(timeIntervalSince1970: 951_827_696).rfc3339 == "2000-02-29T12:34:56Z")
    }

    /// A webhook body, hostile text included, reads back as the document `JSONEncoder`
    /// (sorted keys, slashes unescaped) writes for the same value.
    @Test func aWebhookBodyReadsBackAsJSONEncodersDoes() throws {
        var message = Samples.message()
        message.subject = Samples.hostile
        message.text = Samples.hostile + "\u{2028}\u{8}\u{c}\u{7f}"
        let value = try WebhookEncoder(url: Secret("https://hooks.example.com/in/XXXX")).document(for: message)
        let reference = JSONEncoder()
        reference.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let ours = try JSONSerialization.jsonObject(with: value.encoded()) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: reference.encode(value)) as? NSDictionary
        #expect(ours != nil)
        #expect(ours == theirs)
        // The same message, the same bytes.
        #expect(value.encoded() == value.encoded())
    }

    /// The webhook body written straight into bytes is, byte for byte, the sorted encoding
    /// of its document: every optional present and absent, hostile text, several tickets.
    @Test func aWebhookBodyWrittenDirectlyIsItsDocumentsEncoding() throws {
        let encoder = try WebhookEncoder(url: Secret("https://hooks.example.com/in/XXXX"))
        var full = Samples.ticket("T-1 " + Samples.hostile, subject: Samples.hostile)
        full.risk = .followUps
        full.ackURL = "https://slawatch.example.com/a/1?t=x&y=\"z\""
        full.snoozeURL = "https://slawatch.example.com/s/1"
        let bare = MessageTicket(id: "T-2", source: "desk", subject: "", metric: nil, cycle: 3, step: "breach", dueAt: nil)
        var messages = [
            Samples.message(),
            Samples.message(
                subject: Samples.hostile, text: Samples.hostile + "\u{2028}\u{8}\u{c}\u{7f}", urgent: true, tickets: [full, bare],
                recipients: ["a@example.com", "b\"@example.com"], html: "<p>\(Samples.hostile)</p>"),
            Samples.message(tickets: []),
        ]
        messages[2].role = nil
        for message in messages {
            let direct = encoder.bodyBytes(for: message)
            #expect(Data(direct) == encoder.document(for: message).encoded(), "\(String(decoding: direct, as: UTF8.self))")
        }
        #expect(try encoder.request(for: messages[1], at: Samples.createdAt).body == Data(encoder.bodyBytes(for: messages[1])))
    }
}

extension WebhookEncoder {
    /// The webhook body as a value tree, member by member as DESIGN.md lists it: what the
    /// bytes the encoder writes directly are checked against.
    func document(for message: OutboundMessage) -> JSONValue {
        let tickets: [JSONValue] = message.tickets.map { ticket in
            var item: JSONObject = [
                "id": .string(ticket.id),
                "source": .string(ticket.source),
                "subject": .string(ticket.subject),
                "url": ticket.url.map(JSONValue.string) ?? .null,
                "metric": ticket.metric.map { .string($0.rawValue) } ?? .null,
                "cycle": .int(ticket.cycle),
                "step": .string(ticket.step),
                "due_at": ticket.dueAt.map { .string($0.rfc3339) } ?? .null,
                "ack_url": ticket.ackURL.map(JSONValue.string) ?? .null,
                "snooze_url": ticket.snoozeURL.map(JSONValue.string) ?? .null,
            ]
            if let risk = ticket.risk { item["risk"] = .string(risk.rawValue) }
            return .object(item)
        }
        let data: JSONValue = [
            "key": .string(message.key),
            "channel": .string(message.channel),
            "role": message.role.map(JSONValue.string) ?? .null,
            "audience": .string(message.audience.rawValue),
            "urgent": .bool(message.isUrgent),
            "subject": .string(message.subject),
            "text": .string(message.text),
            "html": message.html.map(JSONValue.string) ?? .null,
            "tickets": .array(tickets),
            "recipients": .array(message.recipients.map(JSONValue.string)),
            "created_at": .string(message.createdAt.rfc3339),
        ]
        return ["type": "sla.notification", "timestamp": .string(message.createdAt.rfc3339), "data": data]
    }
}
