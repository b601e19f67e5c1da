/// One entry of a workflow's event-sourced history. Every transition is one event; replaying
/// the events through ``WorkflowStateMachine`` rebuilds the instance.
public struct WorkflowEvent: Sendable, Hashable, Codable {
    public enum Kind: Sendable, Hashable, Codable {
        /// `metadata`: the caller's key/value pairs given at start (nil when none were given).
        case created(type: String, version: Int, input: WorkflowValue, correlationID: String?, deadline: WorkflowInstant?, metadata: [String: String]? = nil)
        case started
        case stepStarted(step: String, attempt: Int)
        case stepCompleted(step: String, attempt: Int, output: WorkflowValue)
        /// `retryAt` is set when the step will be attempted again.
        case stepFailed(step: String, attempt: Int, error: StepError, retryAt: WorkflowInstant?)
        /// `target` nil means "the following step"; `complete` ends the workflow successfully.
        case decisionTaken(step: String, target: String?, complete: Bool)
        case waitStarted(step: String, until: WorkflowInstant?)
        case signalReceived(name: String, payload: WorkflowValue)
        case paused
        case resumed
        case cancelRequested(reason: String)
        case timedOut
        case compensationStarted(steps: [String])
        case compensationStepStarted(step: String, attempt: Int)
        case compensationStepCompleted(step: String, attempt: Int)
        case compensationStepFailed(step: String, attempt: Int, error: StepError, retryAt: WorkflowInstant?)
        case completed
        case failed(error: StepError)
        case compensated
        case cancelled
    }

    public var workflowID: String
    /// 1-based position in the workflow's history; also the instance's version after this event.
    public var sequence: Int64
    public var timestamp: WorkflowInstant
    public var kind: Kind

    public init(workflowID: String, sequence: Int64, timestamp: WorkflowInstant, kind: Kind) {
        self.workflowID = workflowID
        self.sequence = sequence
        self.timestamp = timestamp
        self.kind = kind
    }

    /// Whether this event finishes its workflow (nothing follows it in the history).
    public var isFinal: Bool {
        switch kind {
        case .completed, .failed, .compensated, .cancelled: return true
        case .compensationStepFailed(_, _, _, let retryAt): return retryAt == nil
        default: return false
        }
    }

    /// The lifecycle name used on the event stream (seed 002): `WorkflowStarted`, `StepCompleted`, …
    public var name: String {
        switch kind {
        case .created: return "WorkflowCreated"
        case .started: return "WorkflowStarted"
        case .stepStarted: return "StepStarted"
        case .stepCompleted: return "StepCompleted"
        case .stepFailed: return "StepFailed"
        case .decisionTaken: return "DecisionTaken"
        case .waitStarted: return "WaitStarted"
        case .signalReceived: return "SignalReceived"
        case .paused: return "WorkflowPaused"
        case .resumed: return "WorkflowResumed"
        case .cancelRequested: return "WorkflowCancelRequested"
        case .timedOut: return "WorkflowTimedOut"
        case .compensationStarted: return "CompensationStarted"
        case .compensationStepStarted: return "CompensationStepStarted"
        case .compensationStepCompleted: return "CompensationStepCompleted"
        case .compensationStepFailed: return "CompensationStepFailed"
        case .completed: return "WorkflowCompleted"
        case .failed: return "WorkflowFailed"
        case .compensated: return "WorkflowCompensated"
        case .cancelled: return "WorkflowCancelled"
        }
    }
}
