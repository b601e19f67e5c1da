import BatonAPI
import BatonRPC
import BatonWorkflow
import OrderFulfillment

/// `baton.order_fulfillment.v1.OrderFulfillment`: PlaceOrder with typed protobuf input.
public final class OrderFulfillmentAPIService: Baton_OrderFulfillment_V1_OrderFulfillmentHandler, Sendable {
    private let orchestrator: OrderFulfillmentOrchestrator
    private let engine: WorkflowEngine

    public init(orchestrator: OrderFulfillmentOrchestrator, engine: WorkflowEngine) {
        self.orchestrator = orchestrator
        self.engine = engine
    }

    public func placeOrder(_ request: Baton_OrderFulfillment_V1_PlaceOrderRequest, context: ServerContext) async throws
        -> Baton_OrderFulfillment_V1_PlaceOrderResponse
    {
        let address = request.shippingAddress ?? Baton_OrderFulfillment_V1_ShippingAddress()
        let order = PlaceOrderRequest(
            orderID: request.orderID,
            customerID: request.customerID,
            lines: request.lines.map { OrderLine(sku: $0.sku, quantity: Int($0.quantity), unitPriceMinor: $0.unitPriceMinor) },
            paymentMethodToken: request.paymentMethodToken,
            shippingAddress: ShippingAddress(street: address.street, city: address.city, postalCode: address.postalCode, country: address.country)
        )
        return try await workflowStarted {
            try await orchestrator.placeOrder(order, engine: engine, workflowID: request.workflowID.isEmpty ? nil : request.workflowID)
        }
    }
}

extension HostedOrchestrator {
    /// OrderFulfillment: the PlaceOrder saga, the OrderCreated listener and its typed API.
    public static func orderFulfillment(_ orchestrator: OrderFulfillmentOrchestrator) -> HostedOrchestrator {
        HostedOrchestrator(name: "OrderFulfillment", workflows: orchestrator.workflows, listeners: orchestrator.listeners) { engine in
            [OrderFulfillmentAPIService(orchestrator: orchestrator, engine: engine)]
        }
    }
}
