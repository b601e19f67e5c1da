/// The state of one workflow instance, as the state machine derives it from the history.
/// Stores persist it next to the history so that loading an instance needs no replay.
public struct WorkflowSnapshot: Sendable, Hashable, Codable {
    public struct StepRecord: Sendable, Hashable, Codable {
        public var name: String
        public var status: StepStatus
        /// Attempts started in the current visit.
        public var attempts: Int
        public var compensationAttempts: Int
        /// How often the workflow entered this step (decisions may loop back).
        public var visits: Int
        public var startedAt: WorkflowInstant?
        public var finishedAt: WorkflowInstant?
        public var error: StepError?
        /// When a parallel branch is due to be retried.
        public var retryAt: WorkflowInstant?

        public init(name: String) {
            self.name = name
            self.status = .pending
            self.attempts = 0
            self.compensationAttempts = 0
            self.visits = 0
        }
    }

    /// A step whose attempt was started and whose result is not yet recorded.
    public struct InFlight: Sendable, Hashable, Codable {
        public var step: String
        public var attempt: Int
        public var isCompensation: Bool
    }

    public struct PendingSignal: Sendable, Hashable, Codable {
        public var name: String
        public var payload: WorkflowValue
    }

    public var id: String
    public var type: String
    public var definitionVersion: Int
    public var correlationID: String?
    /// Key/value pairs the caller attached at start (tenant, trace ids, …), nil when none; kept
    /// with the workflow and given to its steps.
    public var metadata: [String: String]?
    public var status: WorkflowStatus
    public var input: WorkflowValue
    public var outputs: [String: WorkflowValue]
    /// In definition order.
    public var steps: [StepRecord]
    /// Index of the current forward step among the definition's top-level steps (past the end when done).
    public var cursor: Int
    /// The name of the current forward step, nil once past the last one.
    public var cursorStep: String?
    public var inFlight: InFlight?
    /// Parallel branches whose attempt was started and whose result is not yet recorded.
    public var branchesInFlight: [InFlight]
    /// When the current step (or compensation) is due to be retried.
    public var retryAt: WorkflowInstant?
    /// When the current wait step ends (timer) or times out (signal).
    public var waitUntil: WorkflowInstant?
    /// Signals received and not yet consumed by a wait step.
    public var pendingSignals: [PendingSignal]
    /// Completed steps with a compensation, in completion order (the top is last).
    public var compensationStack: [String]
    /// The whole workflow's deadline.
    public var deadline: WorkflowInstant?
    public var error: StepError?
    public var failedStep: String?
    public var cancelReason: String?
    public var createdAt: WorkflowInstant
    public var updatedAt: WorkflowInstant
    public var finishedAt: WorkflowInstant?
    /// The sequence number of the last event applied (fencing token for stores).
    public var version: Int64

    /// Whether the instance has reached a final state.
    public var isFinished: Bool { finishedAt != nil }

    /// The step the workflow is at, if any.
    public var currentStep: String? {
        if let inFlight { return inFlight.step }
        if let branch = branchesInFlight.first { return branch.step }
        if status == .compensating { return compensationStack.last }
        return cursorStep
    }

    public func step(_ name: String) -> StepRecord? {
        steps.first { $0.name == name }
    }

    mutating func updateStep(_ name: String, _ body: (inout StepRecord) -> Void) {
        if let index = steps.firstIndex(where: { $0.name == name }) {
            body(&steps[index])
        }
    }
}
