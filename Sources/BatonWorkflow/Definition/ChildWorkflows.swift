/// Starts a child workflow (idempotently on `id`) and waits until it is finished.
/// The engine provides it to steps through ``StepContext/childWorkflows``.
public protocol ChildWorkflows: Sendable {
    func run(type: String, version: Int?, id: String, input: WorkflowValue) async throws -> WorkflowSnapshot
}
