import BatonWorkflow

/// Starts PlaceOrder when an `OrderCreated` event arrives (its payload is a ``PlaceOrderRequest``).
///
/// The workflow id derives from the order id, so a duplicate event finds the running instance
/// instead of starting a second one.
public struct OrderCreatedListener: DomainEventListener {
    /// The event type this listener handles.
    public static let eventType = "OrderCreated"

    public let name = "OrderCreated→PlaceOrder"
    public let eventTypes: Set<String> = [eventType]
    let orchestrator: OrderFulfillmentOrchestrator

    public func handle(_ event: DomainEvent, engine: WorkflowEngine) async throws {
        let request = try event.payload(as: PlaceOrderRequest.self)
        try await orchestrator.placeOrder(request, engine: engine)
    }
}
