import BatonWorkflow
import Testing

/// Yields until `condition` holds (the engine runs on other tasks); records an issue and throws
/// `CancellationError` if it never does.
public func eventually(
    _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    for _ in 0..<200_000 {
        if try await condition() { return }
        await Task.yield()
    }
    Issue.record("never happened: \(what)", sourceLocation: sourceLocation)
    throw CancellationError()
}

extension WorkflowEngine {
    /// Waits until `step` of workflow `id` has `status`.
    public func waitForStep(_ step: String, of id: String, _ status: StepStatus) async throws {
        try await eventually("\(step) \(status.rawValue)") { try await snapshot(id: id).step(step)?.status == status }
    }

    /// Waits for the next retry of `step` to be scheduled and slept on, then moves `clock` to it.
    public func advanceToRetry(of step: String, in id: String, clock: ManualWorkflowClock) async throws {
        var retryAt: WorkflowInstant?
        try await eventually("a retry of \(step) is scheduled") {
            let snapshot = try await snapshot(id: id)
            guard snapshot.step(step)?.status == .retryScheduled, let due = snapshot.step(step)?.retryAt ?? snapshot.retryAt,
                due > clock.now(), clock.sleepingUntil.contains(due)
            else { return false }
            retryAt = due
            return true
        }
        clock.advance(to: retryAt!)
    }

    /// The compensations the workflow completed, in the order they ran.
    public func compensationsRun(_ id: String) async throws -> [String] {
        try await history(id: id).compactMap { event in
            if case .compensationStepCompleted(let step, _) = event.kind { return step }
            return nil
        }
    }
}
