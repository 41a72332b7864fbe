public import Foundation
public import SLAEngine

extension DeliverySchedule {
    /// A message with its attempts so far and when its next attempt is due.
    public struct Entry: Sendable, Comparable {
        public let key: String
        public let channel: String
        /// When the message was decided, for the retry policy's maximum age.
        public let createdAt: Date
        /// The message itself; nil when the lane was full of bodies as it was queued: the
        /// claim reads it back from the outbox.
        public var message: OutboundMessage? {
            get { body?.message }
            set { body = newValue.map(Body.init) }
        }
        /// Boxed, so an entry without its message takes a few dozen bytes, not the
        /// message's whole inline size, in a lane's queue.
        private var body: Body?
        public var attempts: Int
        public var due: Date
        /// Arrival order, so messages due at the same instant go first come, first served.
        var order: Int
        /// Its first attempt needs no claim: the tick's commit put it in the outbox new, in a
        /// store this daemon alone sends from. Any entry queued again is claimed as usual.
        var isClaimed = false
        /// A claim must grant it before its attempt, and read its body back when the lane
        /// holds it as a key.
        var needsClaim: Bool { !isClaimed || message == nil }

        private final class Body: Sendable {
            let message: OutboundMessage
            init(_ message: OutboundMessage) { self.message = message }
        }

        init(key: String, channel: String, createdAt: Date, message: OutboundMessage?, attempts: Int, due: Date, order: Int) {
            self.key = key
            self.channel = channel
            self.createdAt = createdAt
            body = message.map(Body.init)
            self.attempts = attempts
            self.due = due
            self.order = order
        }

        public static func < (lhs: Entry, rhs: Entry) -> Bool { (lhs.due, lhs.order) < (rhs.due, rhs.order) }
        public static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.order == rhs.order }
    }
}
