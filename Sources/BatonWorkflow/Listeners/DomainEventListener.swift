/// Reacts to domain events: starts a workflow, signals a waiting one, or calls a contract.
///
/// A listener may see an event more than once (after a restart the router's de-duplication
/// memory is empty), so its reaction must be idempotent — typically by starting the workflow
/// under an id derived from the event's business key, which ``WorkflowEngine/start(type:id:input:correlationID:metadata:version:)``
/// treats as the same instance.
public protocol DomainEventListener: Sendable {
    /// A stable name, reported by the router for each delivery.
    var name: String { get }
    /// The event types this listener handles.
    var eventTypes: Set<String> { get }
    /// Handles one event. A thrown error is reported to the publisher; other listeners still run.
    func handle(_ event: DomainEvent, engine: WorkflowEngine) async throws
}
