/// When a ladder step fires, measured on the clock's own business time.
public enum Threshold: Sendable, Hashable {
    /// A share of the target: `75%` is `.percent(75)`.
    case percent(Double)
    /// Business seconds after the due time (negative before it); `breach` is `.breach(0)`.
    case breach(offsetSeconds: Int)

    /// The business time elapsed on the clock when this threshold is crossed, for a target.
    public func elapsed(forTarget target: Int) -> Int {
        switch self {
        case .percent(let p): max(0, Int((Double(target) * p / 100).rounded()))
        case .breach(let offset): max(0, target + offset)
        }
    }

    /// True for a threshold at or after the due time.
    public var isBreach: Bool {
        switch self {
        case .percent(let p): p >= 100
        case .breach(let offset): offset >= 0
        }
    }
}

/// The templates a step's `customer_notice` may name.
public enum CustomerNoticeTemplate: String, CaseIterable, Sendable {
    case delayNotice = "delay_notice"
    case updateDue = "update_due"
}

/// One rung of an escalation ladder.
public struct LadderStep: Sendable, Hashable {
    /// The step's `at` exactly as written in the configuration (`75%`, `breach+2h`); it names the step.
    public var label: String
    public var threshold: Threshold
    /// Roles (`lead`, `manager`, `director`, `executive`) or channel names, as written.
    public var notify: [String]
    /// Business seconds between re-notifications while the clock stays breached; nil for once.
    public var repeatEvery: Int?
    /// The template of a customer notice this step also sends; nil for none.
    public var customerNotice: String?
    /// `set_priority`: the priority the ticket is raised to at the helpdesk when the step fires.
    public var setPriority: TicketPriority?
    /// `add_tag`: a tag added to the ticket at the helpdesk when the step fires.
    public var addTag: String?

    public init(
        label: String, threshold: Threshold, notify: [String], repeatEvery: Int? = nil, customerNotice: String? = nil,
        setPriority: TicketPriority? = nil, addTag: String? = nil
    ) {
        self.label = label
        self.threshold = threshold
        self.notify = notify
        self.repeatEvery = repeatEvery
        self.customerNotice = customerNotice
        self.setPriority = setPriority
        self.addTag = addTag
    }

    /// True when the step also changes the ticket at the helpdesk.
    public var writesBack: Bool { setPriority != nil || addTag != nil }
}

/// An ordered list of escalation steps, applied to a clock.
public struct EscalationLadder: Sendable, Hashable {
    public var name: String
    /// In the order written; thresholds are evaluated independently of this order.
    public var steps: [LadderStep]
    /// Tell everyone who was pinged when the clock is met or the ticket solved.
    public var allClear: Bool

    public init(name: String, steps: [LadderStep], allClear: Bool = false) {
        self.name = name
        self.steps = steps
        self.allClear = allClear
    }
}
