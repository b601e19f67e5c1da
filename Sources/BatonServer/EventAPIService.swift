import BatonAPI
import BatonRPC
import BatonWorkflow

/// `baton.coordination.v1.EventService`: domain events in (routed to the orchestrators'
/// listeners, once per event id) and the engine's lifecycle events out.
public final class EventAPIService: Baton_Coordination_V1_EventServiceHandler, RPCServerLifecycleObserver, Sendable {
    private let router: DomainEventRouter
    private let engine: WorkflowEngine
    private let events: InMemoryWorkflowEventBus

    public init(router: DomainEventRouter, engine: WorkflowEngine, events: InMemoryWorkflowEventBus) {
        self.router = router
        self.engine = engine
        self.events = events
    }

    /// Ends the lifecycle streams (Subscribe, WatchWorkflow) so that they do not hold up the drain.
    public func serverWillShutDown() {
        events.close()
    }

    public func publishEvent(_ request: Baton_Coordination_V1_PublishEventRequest, context: ServerContext) async throws
        -> Baton_Coordination_V1_PublishEventResponse
    {
        guard !request.eventType.isEmpty else { throw RPCError(code: .invalidArgument, message: "event_type is required") }
        guard !request.eventID.isEmpty else { throw RPCError(code: .invalidArgument, message: "event_id is required") }
        let event = DomainEvent(
            type: request.eventType,
            id: request.eventID,
            correlationID: request.correlationID.isEmpty ? nil : request.correlationID,
            payload: try APIConversions.value(fromJSON: request.payloadJson, field: "payload_json")
        )
        let delivery = try await mappingErrors { try await router.publish(event) }
        guard delivery.failures.isEmpty else {
            let failures = delivery.failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            // A refused event fails the same way each time it is published; when another listener
            // failed for a reason that may pass, publishing again is still worth it.
            if delivery.refusedBy == Set(delivery.failures.keys) {
                throw RPCError(code: .invalidArgument, message: "event '\(event.id)' was refused by \(failures)")
            }
            throw RPCError(code: .unavailable, message: "event '\(event.id)' was not handled by \(failures); publish it again")
        }
        var response = Baton_Coordination_V1_PublishEventResponse()
        response.duplicate = delivery.duplicate
        response.handledBy = delivery.handledBy
        return response
    }

    public func subscribe(
        _ request: Baton_Coordination_V1_SubscribeRequest,
        responses: RPCWriter<Baton_Coordination_V1_WorkflowEvent>,
        context: ServerContext
    ) async throws {
        let eventTypes = Set(request.eventTypes)
        let workflowTypes = Set(request.workflowTypes)
        // Workflow type and correlation id by workflow id, learned from creations or the store.
        var identities: [String: (type: String, correlationID: String?)] = [:]
        // Creations and final events are needed for the identities, whatever the filter.
        let wanted = events.subscribe { event in
            if case .created = event.kind { return true }
            return event.isFinal || eventTypes.isEmpty || eventTypes.contains(event.name)
        }
        for await event in wanted {
            // Learn every workflow's identity from its creation, even when creations are
            // filtered out, so that later events need no store read.
            if case .created(let type, _, _, let correlationID, _, _) = event.kind {
                identities[event.workflowID] = (type, correlationID)
            }
            guard eventTypes.isEmpty || eventTypes.contains(event.name) else {
                if event.isFinal { identities[event.workflowID] = nil }
                continue
            }
            let identity: (type: String, correlationID: String?)
            if let known = identities[event.workflowID] {
                identity = known
            } else if let snapshot = try? await engine.snapshot(id: event.workflowID) {
                identity = (snapshot.type, snapshot.correlationID)
            } else {
                continue
            }
            if event.isFinal { identities[event.workflowID] = nil } else { identities[event.workflowID] = identity }
            guard workflowTypes.isEmpty || workflowTypes.contains(identity.type) else { continue }
            try await responses.write(APIConversions.event(event, type: identity.type, correlationID: identity.correlationID))
        }
        if events.isClosed { throw RPCError.shuttingDown }
    }
}
