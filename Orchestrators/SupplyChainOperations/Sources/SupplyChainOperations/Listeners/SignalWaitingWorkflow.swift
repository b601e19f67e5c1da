import BatonWorkflow
import Logging

/// Delivers a domain event as a signal (same name, same payload) to the unfinished workflows of
/// one type whose correlation id is the event's correlation id.
///
/// Idempotent enough for redelivery: a signal nobody consumes stays pending and is harmless.
/// When no such workflow is running the event is refused (`notFound`), so the router reports it
/// and the publisher may send it again later.
struct SignalWaitingWorkflow: DomainEventListener {
    let name: String
    let eventType: String
    let workflowType: String
    let logger: Logger

    var eventTypes: Set<String> { [eventType] }

    func handle(_ event: DomainEvent, engine: WorkflowEngine) async throws {
        guard let correlationID = event.correlationID, !correlationID.isEmpty else {
            throw SupplyChainError(.invalidArgument, "\(event.type) event \(event.id) has no correlation id")
        }
        let waiting = try await engine.list(WorkflowQuery(type: workflowType, correlationID: correlationID)).filter { !$0.isFinished }
        guard !waiting.isEmpty else {
            throw SupplyChainError(.notFound, "no running \(workflowType) workflow for \(correlationID)")
        }
        for workflow in waiting {
            logger.debug("signalling workflow", metadata: ["workflow": "\(workflow.id)", "signal": "\(eventType)", "event": "\(event.id)"])
            try await engine.signal(id: workflow.id, name: eventType, payload: event.payload)
        }
    }
}
