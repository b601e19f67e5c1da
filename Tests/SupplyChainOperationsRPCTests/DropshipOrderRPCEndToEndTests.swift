import BatonReferenceServices
import BatonReferenceServicesTesting
import BatonWorkflow
import BatonWorkflowSQLite
import BatonWorkflowTesting
import SupplyChainOperations
import SupplyChainOperationsInMemory
import SupplyChainOperationsRPC
import Testing

/// DropshipOrder through a real engine (system clock, SQLite in a temporary file), the RPC
/// adapter and the reference services over 127.0.0.1.
@Suite("DropshipOrder end to end: engine on SQLite, RPC adapter, reference services over 127.0.0.1")
struct DropshipOrderRPCEndToEndTests {
    typealias Steps = SupplyChainOperationsOrchestrator.DropshipOrderSteps
    typealias Operation = SupplyChainOperationsAdapters.InMemory.Operation

    static let request = DropshipOrderRequest(
        orderReference: "web-100", customerID: "C-1", vendorID: "V-1",
        lines: [OrderLine(sku: "WIDGET", quantity: 2, unitPriceMinor: 1_250), OrderLine(sku: "GADGET", quantity: 1, unitPriceMinor: 4_000)],
        vendorUnitCostsMinor: ["WIDGET": 800], currency: "EUR")
    static let workflowID = SupplyChainOperationsOrchestrator.dropshipOrderID(orderReference: "web-100")
    static let shipment = ShipmentNotice(orderReference: "web-100", carrier: "DHL", trackingNumber: "JD0001")

    typealias Harness = EndToEndHarness<SupplyChainOperationsAdapters.RPC, SupplyChainOperationsOrchestrator>

    @Test("a dropship order creates the sales order, the purchase order and the invoice once each")
    func success() async throws {
        let h = try await Harness()
        let final = try await h.dropship()
        await h.tearDown()
        #expect(final.status == .completed)
        #expect(h.backend.journal.map(\.name) == ["createSalesOrder", "createPurchaseOrder", "issueInvoice"])
        let salesOrder = try #require(h.backend.salesOrders.first)
        let purchaseOrder = try #require(h.backend.purchaseOrders.first)
        #expect(purchaseOrder.request.salesOrderID == salesOrder.id)
        #expect(purchaseOrder.request.warehouseID == nil)
        #expect(purchaseOrder.request.lines.map(\.unitPriceMinor) == [800, 4_000])
        #expect(h.backend.invoices.map(\.request) == [
            InvoiceRequest(salesOrderID: salesOrder.id, customerID: "C-1", amountMinor: 6_500, currency: "EUR", shipmentReference: "JD0001"),
        ])
        #expect(try final.outputs[Steps.issueInvoice]?.decode(Invoice.self) == h.backend.invoices.first)
    }

    struct RefusalCase: Sendable, CustomTestStringConvertible {
        var step: String
        var rule: ReferenceServices.FailureRule?
        var code: SupplyChainError.Code
        var compensations: [String]
        var journal: [String]
        var testDescription: String { "\(step) refused with \(code.name)" }
    }

    static let refusals = [
        RefusalCase(
            step: Steps.placePurchaseOrder, rule: .init(method: "CreatePurchaseOrder", count: 1, code: "NOT_FOUND"), code: .notFound,
            compensations: [Steps.createSalesOrder], journal: ["createSalesOrder", "cancelSalesOrder"]),
        RefusalCase(
            step: Steps.issueInvoice, rule: .init(method: "IssueInvoice", count: 1, code: "FAILED_PRECONDITION"), code: .failedPrecondition,
            compensations: [Steps.placePurchaseOrder, Steps.createSalesOrder],
            journal: ["createSalesOrder", "createPurchaseOrder", "cancelPurchaseOrder", "cancelSalesOrder"]),
    ]

    @Test("a refusal is not retried and undoes the completed steps newest first over RPC", arguments: refusals)
    func refusal(_ refusal: RefusalCase) async throws {
        let h = try await Harness()
        if let rule = refusal.rule { try h.services.references.failNext(rule) }
        let final = try await h.dropship()
        let compensations = try await h.engine.compensationsRun(Self.workflowID)
        await h.tearDown()
        #expect(final.status == .compensated)
        #expect(final.failedStep == refusal.step)
        #expect(final.error?.code == refusal.code.stepCode)
        #expect(final.step(refusal.step)?.attempts == 1)
        #expect(compensations == refusal.compensations)
        #expect(h.backend.journal.map(\.name) == refusal.journal)
        #expect(h.backend.salesOrders.map(\.status) == [.cancelled])
    }

    @Test("the services stopped mid-purchase-order: the step retries and succeeds once they are back on the same port, ordering once")
    func servicesStoppedMidSaga() async throws {
        let h = try await Harness()
        let port = h.services.port
        try h.services.references.addLatency(.seconds(3), to: "CreatePurchaseOrder", calls: 1)
        let final = try await h.dropship { engine in
            try await h.services.stop(during: Steps.placePurchaseOrder, of: Self.workflowID, on: engine)
        }
        await h.tearDown()
        #expect(h.services.port == port)
        #expect(final.status == .completed)
        #expect((final.step(Steps.placePurchaseOrder)?.attempts ?? 0) >= 3)
        #expect(h.backend.effects(of: .createPurchaseOrder) == 1)
        #expect(h.backend.purchaseOrders.count == 1)
        #expect(h.backend.journal.map(\.name) == ["createSalesOrder", "createPurchaseOrder", "issueInvoice"])
    }
}

extension EndToEndHarness<SupplyChainOperationsAdapters.RPC, SupplyChainOperationsOrchestrator> {
    /// Reference services with the vendor `V-1`, an RPC adapter on them, and an engine on a
    /// fresh SQLite file; retries every 200 ms.
    init() async throws {
        try await self.init(
            seed: { $0.supplyChain.addVendor("V-1") },
            adapter: { $0.supplyChainAdapter() },
            orchestrator: {
                SupplyChainOperationsOrchestrator(services: $0.services, configuration: .defaults {
                    $0.retry = RetryPolicy(maxAttempts: 10, backoff: .fixed(.milliseconds(200)))
                    $0.compensationRetry = RetryPolicy(maxAttempts: 10, backoff: .fixed(.milliseconds(200)))
                })
            },
            workflows: \.workflows
        )
    }

    var backend: SupplyChainOperationsAdapters.InMemory { services.references.supplyChain }

    /// Starts the dropship order, runs `whileRunning` beside it, signals the shipment, and
    /// returns the final snapshot.
    func dropship(whileRunning: @Sendable (WorkflowEngine) async throws -> Void = { _ in }) async throws -> WorkflowSnapshot {
        try await withRunningEngine(engine) { engine in
            try await orchestrator.dropshipOrder(DropshipOrderRPCEndToEndTests.request, engine: engine)
            try await whileRunning(engine)
            let payload = try WorkflowValue(encoding: DropshipOrderRPCEndToEndTests.shipment)
            try await engine.signal(id: DropshipOrderRPCEndToEndTests.workflowID, name: SupplyChainOperationsOrchestrator.Signals.shipmentDispatched, payload: payload)
            return try await engine.waitForCompletion(id: DropshipOrderRPCEndToEndTests.workflowID)
        }
    }
}
