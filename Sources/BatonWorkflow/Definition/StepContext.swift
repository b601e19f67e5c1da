import Synchronization

/// What a step (or its compensation) is given when it runs.
public struct StepContext: Sendable {
    public var workflowID: String
    public var workflowType: String
    public var stepName: String
    /// 1 for the first attempt; counts retries (and re-runs after a restart do not add to it).
    public var attempt: Int
    /// Stable across retries and restarts: derived from the workflow id and the step name
    /// (plus a visit number when a decision loops back to the step, and `compensate` for a
    /// compensation). Pass it to the atomic service so that a repeated call has one effect.
    public var idempotencyKey: String
    /// Whether this is the compensation of `stepName`.
    public var isCompensation: Bool
    /// The workflow's input.
    public var input: WorkflowValue
    /// Outputs of the steps completed so far, by step name.
    public var outputs: [String: WorkflowValue]
    /// Starts and awaits child workflows (set by the engine; used by sub-workflow steps).
    public var childWorkflows: (any ChildWorkflows)?
    /// The workflow's correlation id, for the calls the step makes (e.g. `x-correlation-id`).
    public var correlationID: String?
    /// The key/value pairs the workflow was started with.
    public var metadata: [String: String]
    /// Time left, when the attempt started, until the earlier of the step's timeout and the
    /// workflow's deadline (nil: neither is set; never negative). Pass it on as the deadline of
    /// the calls the step makes, e.g. as `grpc-timeout`.
    public var timeRemaining: Duration?
    /// The input as the workflow's typed steps decoded it, shared by its attempts (set by the
    /// engine): an input never changes, and decoding it for every step was a visible part of a
    /// step's cost.
    var decodedInput: DecodedInput?

    /// The context of the step or compensation running in this task, set by the engine for the
    /// duration of each attempt. Adapters read it to propagate the deadline and correlation id
    /// without widening their contracts.
    @TaskLocal public static var current: StepContext?

    public init(
        workflowID: String,
        workflowType: String,
        stepName: String,
        attempt: Int,
        idempotencyKey: String,
        isCompensation: Bool,
        input: WorkflowValue,
        outputs: [String: WorkflowValue],
        childWorkflows: (any ChildWorkflows)? = nil,
        correlationID: String? = nil,
        metadata: [String: String] = [:],
        timeRemaining: Duration? = nil
    ) {
        self.workflowID = workflowID
        self.workflowType = workflowType
        self.stepName = stepName
        self.attempt = attempt
        self.idempotencyKey = idempotencyKey
        self.isCompensation = isCompensation
        self.input = input
        self.outputs = outputs
        self.childWorkflows = childWorkflows
        self.correlationID = correlationID
        self.metadata = metadata
        self.timeRemaining = timeRemaining
    }

    /// The workflow input decoded as `T`.
    public func input<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try input.decode(T.self)
    }

    /// ``input(as:)``, decoded once per loaded workflow instance when the engine runs the step.
    func sharedInput<T: Decodable & Sendable>(as type: T.Type) throws -> T {
        guard let decodedInput else { return try input(as: T.self) }
        if let decoded = decodedInput.value(as: T.self) { return decoded }
        let decoded = try input(as: T.self)
        decodedInput.store(decoded)
        return decoded
    }

    /// The output of an earlier step decoded as `T`.
    public func output<T: Decodable>(of step: String, as type: T.Type = T.self) throws -> T {
        guard let value = outputs[step] else {
            throw StepError(.failedPrecondition, "no output from step '\(step)'")
        }
        return try value.decode(T.self)
    }
}

/// The body of a service-call step or of a compensation.
public typealias StepAction = @Sendable (StepContext) async throws -> WorkflowValue

/// What a decision step sees: the workflow input and the outputs so far.
public struct DecisionContext: Sendable {
    public var workflowID: String
    public var input: WorkflowValue
    public var outputs: [String: WorkflowValue]
}

/// Where a decision step sends the workflow.
public struct Decision: Sendable, Hashable {
    enum Target: Sendable, Hashable {
        case next
        case step(String)
        case complete
    }

    let target: Target

    /// Continue with the step after the decision.
    public static let next = Decision(target: .next)
    /// Finish the workflow successfully now.
    public static let complete = Decision(target: .complete)
    /// Jump to the named step (forwards or back).
    public static func goto(_ step: String) -> Decision { Decision(target: .step(step)) }
}

/// One workflow instance's input, decoded (see ``StepContext/sharedInput(as:)``).
final class DecodedInput: Sendable {
    private let decoded = Mutex<(any Sendable)?>(nil)

    func value<T: Sendable>(as type: T.Type) -> T? {
        decoded.withLock { $0 as? T }
    }

    func store(_ value: some Sendable) {
        decoded.withLock { $0 = value }
    }
}
