/// The engine's source of time: retries, timers, wait timeouts and step timeouts all go through it,
/// so a test can drive them with ``ManualWorkflowClock`` instead of sleeping.
public protocol WorkflowClock: Sendable {
    /// The current wall-clock time.
    func now() -> WorkflowInstant

    /// Suspends until `deadline` has been reached.
    ///
    /// - Throws: `CancellationError` when the calling task is cancelled first.
    func sleep(until deadline: WorkflowInstant) async throws
}
