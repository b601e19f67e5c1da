import BatonReferenceServicesTesting
import BatonWorkflow
import BatonWorkflowSQLite
import BatonWorkflowTesting
import OrderFulfillment
import OrderFulfillmentRPC
import Testing

/// PlaceOrder through a real engine (system clock, SQLite in a temporary file), the RPC adapter
/// and the reference services over 127.0.0.1.
@Suite("PlaceOrder end to end: engine on SQLite, RPC adapter, reference services over 127.0.0.1")
struct PlaceOrderRPCEndToEndTests {
    typealias Step = PlaceOrder.Step

    static let request = PlaceOrderRequest(
        orderID: "o-1",
        customerID: "c-1",
        lines: [OrderLine(sku: "sku-a", quantity: 2, unitPriceMinor: 500), OrderLine(sku: "sku-b", quantity: 1, unitPriceMinor: 900)],
        paymentMethodToken: "tok-1",
        shippingAddress: ShippingAddress(street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US")
    )
    static let workflowID = PlaceOrder.workflowID(orderID: "o-1")

    typealias Harness = EndToEndHarness<OrderFulfillmentAdapters.RPC, OrderFulfillmentOrchestrator>

    @Test("a placed order reserves, charges, schedules and notifies once each")
    func success() async throws {
        let h = try await Harness()
        let final = try await h.placeOrder()
        await h.tearDown()
        let backend = h.services.references.orders
        #expect(final.status == .completed)
        #expect(backend.available(sku: "sku-a") == 8)
        #expect(backend.available(sku: "sku-b") == 9)
        #expect(backend.capturedMinor(customerID: "c-1") == 1900)
        #expect(backend.activeDeliveries(orderID: "o-1").count == 1)
        #expect(backend.notificationsSent(orderID: "o-1") == 1)
        for operation in [OrderFulfillmentAdapters.InMemory.Operation.reserve, .charge, .schedule, .notify] {
            #expect(backend.effects(of: operation) == 1, "\(operation)")
        }
        let payment = try #require(final.outputs[Step.processPayment]).decode(PaymentReceipt.self)
        #expect(payment.amountMinor == 1900)
    }

    @Test("a declined payment releases the reservation (LIFO compensation) and is not retried")
    func declinedPayment() async throws {
        let h = try await Harness()
        h.services.references.orders.setPaymentLimit(customerID: "c-1", limitMinor: 1000)
        let final = try await h.placeOrder()
        let compensations = try await h.engine.compensationsRun(Self.workflowID)
        await h.tearDown()
        let backend = h.services.references.orders
        #expect(final.status == .compensated)
        #expect(final.failedStep == Step.processPayment)
        #expect(final.error?.code == OrderFulfillmentError.Code.paymentDeclined.stepCode)
        #expect(final.step(Step.processPayment)?.attempts == 1)
        #expect(compensations == [Step.reserveInventory])
        #expect(backend.available(sku: "sku-a") == 10)
        #expect(backend.available(sku: "sku-b") == 10)
        #expect(backend.capturedMinor(customerID: "c-1") == 0)
        #expect(backend.activeDeliveries(orderID: "o-1").isEmpty)
        #expect(backend.effects(of: .release) == 1)
    }

    @Test("the services stopped mid-charge: the step retries and succeeds once they are back on the same port, charging once")
    func servicesStoppedMidSaga() async throws {
        let h = try await Harness()
        let port = h.services.port
        try h.services.references.addLatency(.seconds(3), to: "Charge", calls: 1)
        let final = try await h.placeOrder { engine in
            try await h.services.stop(during: Step.processPayment, of: Self.workflowID, on: engine)
        }
        await h.tearDown()
        let backend = h.services.references.orders
        #expect(h.services.port == port)
        #expect(final.status == .completed)
        #expect((final.step(Step.processPayment)?.attempts ?? 0) >= 3)
        #expect(backend.effects(of: .charge) == 1)
        #expect(backend.capturedMinor(customerID: "c-1") == 1900)
        #expect(backend.available(sku: "sku-a") == 8)
        #expect(backend.activeDeliveries(orderID: "o-1").count == 1)
        #expect(backend.notificationsSent(orderID: "o-1") == 1)
    }

    @Test("a charge whose answer is lost is retried under the same key and captured once")
    func lostAnswer() async throws {
        let h = try await Harness()
        try h.services.references.failNext(.init(method: "Charge", count: 1, code: "UNAVAILABLE", afterEffect: true))
        let final = try await h.placeOrder()
        await h.tearDown()
        let backend = h.services.references.orders
        #expect(final.status == .completed)
        #expect(final.step(Step.processPayment)?.attempts == 2)
        #expect(backend.calls(of: .charge) == 2)
        #expect(backend.effects(of: .charge) == 1)
        #expect(backend.capturedMinor(customerID: "c-1") == 1900)
    }
}

extension EndToEndHarness<OrderFulfillmentAdapters.RPC, OrderFulfillmentOrchestrator> {
    /// Reference services stocked with 10 of each sku, an RPC adapter on them, and an engine on
    /// a fresh SQLite file.
    init() async throws {
        try await self.init(
            seed: { for sku in ["sku-a", "sku-b"] { $0.orders.stock(sku: sku, quantity: 10) } },
            adapter: { $0.adapter() },
            orchestrator: { OrderFulfillmentOrchestrator(services: $0.services) },
            workflows: \.workflows
        )
    }

    /// Places the order, runs `whileRunning` beside it, and returns the final snapshot.
    func placeOrder(whileRunning: @Sendable (WorkflowEngine) async throws -> Void = { _ in }) async throws -> WorkflowSnapshot {
        try await withRunningEngine(engine) { engine in
            try await orchestrator.placeOrder(PlaceOrderRPCEndToEndTests.request, engine: engine)
            try await whileRunning(engine)
            return try await engine.waitForCompletion(id: PlaceOrderRPCEndToEndTests.workflowID)
        }
    }
}
