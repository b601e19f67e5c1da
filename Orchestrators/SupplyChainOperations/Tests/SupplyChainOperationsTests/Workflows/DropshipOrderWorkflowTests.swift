import BatonWorkflow
import SupplyChainOperations
import SupplyChainOperationsInMemory
import Testing

@Suite("DropshipOrder workflow (in-memory backend, manual clock)")
struct DropshipOrderWorkflowTests {
    typealias Steps = SupplyChainOperationsOrchestrator.DropshipOrderSteps
    typealias Signals = SupplyChainOperationsOrchestrator.Signals
    let id = SupplyChainHarness.dropshipID

    @Test("happy path: sales order, dropship purchase order, shipment signal, invoice")
    func happyPath() async throws {
        let h = try SupplyChainHarness()
        let final = try await h.run { engine in
            let started = try await h.orchestrator.dropshipOrder(SupplyChainHarness.dropship, engine: engine)
            #expect(started.id == "dropship-web-100")
            try await h.waitUntil(id, step: Steps.awaitShipment, is: .waiting)
            try await engine.signal(id: id, name: Signals.shipmentDispatched, payload: try WorkflowValue(encoding: SupplyChainHarness.shipment))
            return try await engine.waitForCompletion(id: id)
        }
        #expect(final.status == .completed)
        #expect(final.type == "DropshipOrder")
        #expect(final.correlationID == "web-100")
        #expect(h.journal == ["createSalesOrder", "createPurchaseOrder", "issueInvoice"])
        let salesOrder = try #require(h.backend.salesOrders.first)
        let purchaseOrder = try #require(h.backend.purchaseOrders.first)
        let invoice = try #require(h.backend.invoices.first)
        #expect(salesOrder.status == .open && salesOrder.reference == "web-100")
        #expect(purchaseOrder.status == .open)
        #expect(purchaseOrder.request.salesOrderID == salesOrder.id)
        #expect(purchaseOrder.request.warehouseID == nil)
        #expect(purchaseOrder.request.lines.map(\.unitPriceMinor) == [800, 4_000])
        #expect(invoice.request == InvoiceRequest(salesOrderID: salesOrder.id, customerID: "C-1", amountMinor: 6_500, currency: "EUR", shipmentReference: "JD0001"))
        #expect(try final.outputs[Steps.issueInvoice]?.decode(Invoice.self) == invoice)
    }

    @Test("a shipment signal that arrives before the wait is kept; a transient failure is retried with the same key")
    func signalBeforeWait() async throws {
        let h = try SupplyChainHarness()
        h.backend.failNext(.createPurchaseOrder, with: .unavailable)
        let final = try await h.run { engine in
            try await h.orchestrator.dropshipOrder(SupplyChainHarness.dropship, engine: engine)
            try await h.waitUntil(id, step: Steps.placePurchaseOrder, is: .retryScheduled)
            try await engine.signal(id: id, name: Signals.shipmentDispatched, payload: try WorkflowValue(encoding: SupplyChainHarness.shipment))
            await h.clock.waitForSleepers(count: 1)
            h.clock.advance(by: .seconds(1))
            return try await engine.waitForCompletion(id: id)
        }
        #expect(final.status == .completed)
        #expect(final.step(Steps.placePurchaseOrder)?.attempts == 2)
        #expect(h.journal == ["createSalesOrder", "createPurchaseOrder", "issueInvoice"])
        #expect(h.backend.invoices.first?.request.shipmentReference == "JD0001")
    }

    static let stepFailures = [
        StepFailure(step: Steps.createSalesOrder, operation: .createSalesOrder, code: .invalidArgument, status: .failed, journal: []),
        StepFailure(
            step: Steps.placePurchaseOrder, operation: .createPurchaseOrder, code: .notFound, status: .compensated,
            journal: ["createSalesOrder", "cancelSalesOrder"]
        ),
        StepFailure(
            step: Steps.issueInvoice, operation: .issueInvoice, code: .failedPrecondition, status: .compensated,
            journal: ["createSalesOrder", "createPurchaseOrder", "cancelPurchaseOrder", "cancelSalesOrder"]
        ),
    ]

    @Test("a refusal at step k compensates steps 1..k-1 in reverse order, without retrying", arguments: stepFailures)
    func failureAtStep(_ failure: StepFailure) async throws {
        let h = try SupplyChainHarness()
        h.backend.failNext(failure.operation, with: failure.code)
        let final = try await h.run { engine in
            try await h.orchestrator.dropshipOrder(SupplyChainHarness.dropship, engine: engine)
            if failure.step == Steps.issueInvoice {
                try await engine.signal(id: id, name: Signals.shipmentDispatched, payload: try WorkflowValue(encoding: SupplyChainHarness.shipment))
            }
            return try await engine.waitForCompletion(id: id)
        }
        #expect(final.status == failure.status)
        #expect(final.failedStep == failure.step)
        #expect(final.error?.code == failure.code.stepCode)
        #expect(final.step(failure.step)?.attempts == 1)
        #expect(h.journal == failure.journal)
        #expect(h.backend.salesOrders.allSatisfy { $0.status == .cancelled })
        #expect(h.backend.purchaseOrders.allSatisfy { $0.status == .cancelled })
        #expect(h.backend.invoices.isEmpty)
    }

    @Test("no shipment before the timeout: the purchase order, then the sales order, are cancelled")
    func shipmentTimeout() async throws {
        let h = try SupplyChainHarness()
        let final = try await h.run { engine in
            try await h.orchestrator.dropshipOrder(SupplyChainHarness.dropship, engine: engine)
            try await h.waitUntil(id, step: Steps.awaitShipment, is: .waiting)
            await h.clock.waitForSleepers(count: 1)
            #expect(h.clock.sleepingUntil == [h.clock.now().advanced(by: .seconds(3_600))])
            h.clock.advance(by: .seconds(3_599))
            #expect(try await engine.snapshot(id: id).status == .running)
            h.clock.advance(by: .seconds(1))
            return try await engine.waitForCompletion(id: id)
        }
        #expect(final.status == .compensated)
        #expect(final.failedStep == Steps.awaitShipment)
        #expect(final.error?.code == .deadlineExceeded)
        #expect(h.journal == ["createSalesOrder", "createPurchaseOrder", "cancelPurchaseOrder", "cancelSalesOrder"])
        #expect(final.step(Steps.placePurchaseOrder)?.status == .compensated)
        #expect(final.step(Steps.createSalesOrder)?.status == .compensated)
    }

    @Test("an answer lost after the purchase order was placed: the retry, with the same key, places nothing more")
    func lostResponseRetried() async throws {
        let h = try SupplyChainHarness()
        h.backend.failNext(.createPurchaseOrder, with: .unavailable, losingResponse: true)
        let final = try await h.run { engine in
            try await h.orchestrator.dropshipOrder(SupplyChainHarness.dropship, engine: engine)
            try await h.waitUntil(id, step: Steps.placePurchaseOrder, is: .retryScheduled)
            #expect(h.backend.purchaseOrders.count == 1)
            await h.clock.waitForSleepers(count: 1)
            h.clock.advance(by: .seconds(1))
            try await engine.signal(id: id, name: Signals.shipmentDispatched, payload: try WorkflowValue(encoding: SupplyChainHarness.shipment))
            return try await engine.waitForCompletion(id: id)
        }
        #expect(final.status == .completed)
        #expect(final.step(Steps.placePurchaseOrder)?.attempts == 2)
        #expect(h.backend.purchaseOrders.count == 1)
        #expect(try final.outputs[Steps.placePurchaseOrder]?.decode(PurchaseOrder.self) == h.backend.purchaseOrders.first)
        #expect(h.journal == ["createSalesOrder", "createPurchaseOrder", "issueInvoice"])
    }

    @Test("a service call that hangs past the call timeout fails on the clock and compensates")
    func callTimeout() async throws {
        let h = try SupplyChainHarness(configuration: .testing.with { $0.retry = .none; $0.callTimeout = .seconds(5) })
        h.backend.setLatency(.seconds(86_400), for: .issueInvoice)
        let final = try await h.run { engine in
            try await h.orchestrator.dropshipOrder(SupplyChainHarness.dropship, engine: engine)
            try await engine.signal(id: id, name: Signals.shipmentDispatched, payload: try WorkflowValue(encoding: SupplyChainHarness.shipment))
            try await h.waitUntil(id, step: Steps.issueInvoice, is: .running)
            await h.clock.waitForSleepers(count: 1)
            h.clock.advance(by: .seconds(5))
            return try await engine.waitForCompletion(id: id)
        }
        #expect(final.status == .compensated)
        #expect(final.failedStep == Steps.issueInvoice)
        #expect(final.error?.code == .deadlineExceeded)
        #expect(h.backend.invoices.isEmpty)
        #expect(h.journal == ["createSalesOrder", "createPurchaseOrder", "cancelPurchaseOrder", "cancelSalesOrder"])
    }

    @Test("a compensation that fails transiently is retried and takes effect once")
    func compensationRetried() async throws {
        let h = try SupplyChainHarness()
        h.backend.failNext(.issueInvoice, with: .failedPrecondition)
        h.backend.failNext(.cancelPurchaseOrder, with: .unavailable)
        let final = try await h.run { engine in
            try await h.orchestrator.dropshipOrder(SupplyChainHarness.dropship, engine: engine)
            try await engine.signal(id: id, name: Signals.shipmentDispatched, payload: try WorkflowValue(encoding: SupplyChainHarness.shipment))
            await h.clock.waitForSleepers(count: 1)
            h.clock.advance(by: .seconds(1))
            return try await engine.waitForCompletion(id: id)
        }
        #expect(final.status == .compensated)
        #expect(final.step(Steps.placePurchaseOrder)?.compensationAttempts == 2)
        #expect(h.journal == ["createSalesOrder", "createPurchaseOrder", "cancelPurchaseOrder", "cancelSalesOrder"])
    }

    @Test("cancel while waiting for the shipment answers and runs the compensations in reverse order")
    func cancelMidFlight() async throws {
        let h = try SupplyChainHarness()
        let (compensations, final) = try await h.run { engine in
            try await h.orchestrator.dropshipOrder(SupplyChainHarness.dropship, engine: engine)
            try await h.waitUntil(id, step: Steps.awaitShipment, is: .waiting)
            let compensations = try await engine.cancel(id: id, reason: "customer withdrew")
            return (compensations, try await engine.waitForCompletion(id: id))
        }
        #expect(compensations == [Steps.placePurchaseOrder, Steps.createSalesOrder])
        #expect(final.status == .compensated)
        #expect(final.cancelReason == "customer withdrew")
        #expect(h.journal == ["createSalesOrder", "createPurchaseOrder", "cancelPurchaseOrder", "cancelSalesOrder"])
    }

    @Test("a paused order does not invoice until resumed, even with the shipment signalled")
    func pauseAndResume() async throws {
        let h = try SupplyChainHarness()
        let final = try await h.run { engine in
            try await h.orchestrator.dropshipOrder(SupplyChainHarness.dropship, engine: engine)
            try await h.waitUntil(id, step: Steps.awaitShipment, is: .waiting)
            #expect(try await engine.pause(id: id).status == .paused)
            try await engine.signal(id: id, name: Signals.shipmentDispatched, payload: try WorkflowValue(encoding: SupplyChainHarness.shipment))
            for _ in 0..<100 { await Task.yield() }
            #expect(try await engine.snapshot(id: id).status == .paused)
            #expect(h.backend.invoices.isEmpty)
            try await engine.resume(id: id)
            return try await engine.waitForCompletion(id: id)
        }
        #expect(final.status == .completed)
        #expect(h.journal == ["createSalesOrder", "createPurchaseOrder", "issueInvoice"])
    }

    @Test("starting the same order twice runs it once; another workflow id is another instance")
    func idempotentStart() async throws {
        let h = try SupplyChainHarness()
        let (first, again) = try await h.run { engine in
            let first = try await h.orchestrator.dropshipOrder(SupplyChainHarness.dropship, engine: engine)
            let again = try await h.orchestrator.dropshipOrder(SupplyChainHarness.dropship, engine: engine)
            try await h.waitUntil(id, step: Steps.awaitShipment, is: .waiting)
            _ = try await engine.cancel(id: id)
            _ = try await engine.waitForCompletion(id: id)
            return (first, again)
        }
        #expect(first.id == again.id)
        #expect(try await h.engine.list(WorkflowQuery(correlationID: "web-100")).count == 1)
        #expect(h.journal.filter { $0 == "createSalesOrder" }.count == 1)
    }

    @Test("an order without lines is refused before anything starts")
    func invalidRequest() async throws {
        let h = try SupplyChainHarness()
        var request = SupplyChainHarness.dropship
        request.lines = []
        let error = await #expect(throws: SupplyChainError.self) { try await h.orchestrator.dropshipOrder(request, engine: h.engine) }
        #expect(error?.code == .invalidArgument)
        #expect(try await h.engine.list().isEmpty)
    }
}
