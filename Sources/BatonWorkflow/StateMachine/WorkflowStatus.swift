/// Where a workflow instance stands.
///
/// ```
/// CREATED -> RUNNING -> COMPLETED
///               |-> PAUSED -> RUNNING
///               |-> FAILED | TIMED_OUT | CANCELLING -> COMPENSATING -> COMPENSATED
///               |                                               `-> COMPENSATION_FAILED
/// CREATED -> CANCELLED
/// ```
/// FAILED and TIMED_OUT are final when nothing needs compensating; CANCELLING ends in
/// CANCELLED in that case. ``WorkflowSnapshot/isFinished`` tells whether an instance is done.
public enum WorkflowStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case created = "CREATED"
    case running = "RUNNING"
    case paused = "PAUSED"
    case completed = "COMPLETED"
    case failed = "FAILED"
    case timedOut = "TIMED_OUT"
    case cancelling = "CANCELLING"
    case compensating = "COMPENSATING"
    case compensated = "COMPENSATED"
    case compensationFailed = "COMPENSATION_FAILED"
    case cancelled = "CANCELLED"
}

/// Where one step of an instance stands.
public enum StepStatus: String, Sendable, Hashable, Codable {
    case pending = "PENDING"
    case running = "RUNNING"
    case waiting = "WAITING"
    case retryScheduled = "RETRY_SCHEDULED"
    case completed = "COMPLETED"
    case failed = "FAILED"
    case compensating = "COMPENSATING"
    case compensated = "COMPENSATED"
    case compensationFailed = "COMPENSATION_FAILED"
}
