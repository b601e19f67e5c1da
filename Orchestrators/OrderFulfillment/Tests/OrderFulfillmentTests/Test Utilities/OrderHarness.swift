import BatonWorkflow
import BatonWorkflowTesting
import OrderFulfillment
import OrderFulfillmentContractSuite
import OrderFulfillmentInMemory
import Testing

/// The in-memory adapter as a contract-suite backend.
struct InMemoryOrderBackend: OrderFulfillmentTestBackend {
    let backend: OrderFulfillmentAdapters.InMemory
    var services: OrderFulfillmentServices { backend.services }
    func stock(sku: String, quantity: Int) async throws { backend.stock(sku: sku, quantity: quantity) }
    func setPaymentLimit(customerID: String, limitMinor: Int64) async throws { backend.setPaymentLimit(customerID: customerID, limitMinor: limitMinor) }
    func available(sku: String) async throws -> Int { backend.available(sku: sku) }
    func capturedMinor(customerID: String) async throws -> Int64 { backend.capturedMinor(customerID: customerID) }
    func activeDeliveryCount(orderID: String) async throws -> Int { backend.activeDeliveries(orderID: orderID).count }
    func notificationCount(orderID: String) async throws -> Int { backend.notificationsSent(orderID: orderID) }
}

struct InMemoryOrderFactory: OrderFulfillmentBackendFactory {
    func makeBackend() async throws -> any OrderFulfillmentTestBackend {
        InMemoryOrderBackend(backend: OrderFulfillmentAdapters.inMemory())
    }
}

/// An orchestrator on a fresh in-memory backend, with an engine on a manual clock; injected
/// latency sleeps on the same clock.
struct OrderHarness {
    let clock = ManualWorkflowClock()
    let backend: OrderFulfillmentAdapters.InMemory
    let orchestrator: OrderFulfillmentOrchestrator
    let engine: WorkflowEngine

    static let request = PlaceOrderRequest(
        orderID: "o-1",
        customerID: "c-1",
        lines: [OrderLine(sku: "sku-a", quantity: 2, unitPriceMinor: 500), OrderLine(sku: "sku-b", quantity: 1, unitPriceMinor: 900)],
        paymentMethodToken: "tok-1",
        shippingAddress: ShippingAddress(street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US")
    )
    static let workflowID = PlaceOrder.workflowID(orderID: "o-1")

    init() throws {
        let clock = clock
        backend = OrderFulfillmentAdapters.inMemory(.defaults { configuration in
            configuration.sleep = { try await clock.sleep(until: clock.now().advanced(by: $0)) }
        })
        backend.stock(sku: "sku-a", quantity: 10)
        backend.stock(sku: "sku-b", quantity: 10)
        orchestrator = OrderFulfillmentOrchestrator(services: backend.services)
        engine = try WorkflowEngine(definitions: orchestrator.workflows, store: InMemoryWorkflowStore(), clock: clock)
    }

    /// Places the order with a charge that takes `latency` on the clock; returns once it is in flight.
    func placeOrderWithSlowCharge(_ latency: Duration) async throws {
        backend.addLatency(latency, to: .charge, calls: 1)
        try await orchestrator.placeOrder(Self.request, engine: engine)
        try await engine.waitForStep(PlaceOrder.Step.processPayment, of: Self.workflowID, .running)
        let chargeEnds = clock.now().advanced(by: latency)
        try await eventually("the charge is in flight") { clock.sleepingUntil.contains(chargeEnds) }
    }

    /// Every effect of an order is undone: stock back, nothing captured, no delivery, no message.
    func expectNothingLeft(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(backend.available(sku: "sku-a") == 10, sourceLocation: sourceLocation)
        #expect(backend.available(sku: "sku-b") == 10, sourceLocation: sourceLocation)
        #expect(backend.capturedMinor(customerID: "c-1") == 0, sourceLocation: sourceLocation)
        #expect(backend.activeDeliveries(orderID: "o-1").isEmpty, sourceLocation: sourceLocation)
    }
}
