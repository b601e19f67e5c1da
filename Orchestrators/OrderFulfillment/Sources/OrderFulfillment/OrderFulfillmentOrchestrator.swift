import BatonWorkflow
import Logging

/// The OrderFulfillment orchestrator: the PlaceOrder saga and the listener that starts it.
///
/// Built from one implementation per contract; the server registers ``workflows`` on its engine
/// and ``listeners`` on its event router.
public struct OrderFulfillmentOrchestrator: Sendable {
    public let services: OrderFulfillmentServices
    let logger: Logger

    public init(services: OrderFulfillmentServices, logger: Logger = Logger(label: "baton.order-fulfillment")) {
        self.services = services
        self.logger = logger
    }

    /// Every workflow definition of this orchestrator, to register on the engine.
    public var workflows: [WorkflowDefinition] { [PlaceOrder.definition(services)] }

    /// Every domain-event listener of this orchestrator, to register on the event router.
    public var listeners: [any DomainEventListener] { [OrderCreatedListener(orchestrator: self)] }

    /// Starts PlaceOrder for `request`, idempotently: the default workflow id derives from the
    /// order id, and the correlation id is the order id.
    ///
    /// - Throws: ``OrderFulfillmentError`` `invalidArgument` for a malformed request, or the
    ///   engine's ``WorkflowError``.
    @discardableResult
    public func placeOrder(_ request: PlaceOrderRequest, engine: WorkflowEngine, workflowID: String? = nil) async throws
        -> WorkflowSnapshot
    {
        try request.validate()
        let id = workflowID ?? PlaceOrder.workflowID(orderID: request.orderID)
        logger.debug("placing order", metadata: ["order": "\(request.orderID)", "workflow": "\(id)"])
        return try await engine.start(type: PlaceOrder.type, id: id, input: try WorkflowValue(encoding: request), correlationID: request.orderID)
    }
}
