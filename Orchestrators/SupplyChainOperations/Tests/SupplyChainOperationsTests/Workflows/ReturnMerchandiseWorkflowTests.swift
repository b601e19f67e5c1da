import BatonWorkflow
import SupplyChainOperations
import SupplyChainOperationsInMemory
import Testing

@Suite("ReturnMerchandise workflow (in-memory backend, manual clock)")
struct ReturnMerchandiseWorkflowTests {
    typealias Steps = SupplyChainOperationsOrchestrator.ReturnMerchandiseSteps
    typealias Signals = SupplyChainOperationsOrchestrator.Signals
    let id = SupplyChainHarness.returnID

    static func receipt(_ condition: ItemCondition) throws -> WorkflowValue {
        try WorkflowValue(encoding: ReturnReceipt(returnReference: "ret-7", condition: condition))
    }

    @Test(
        "the inspection decides: resellable goods are restocked, damaged or defective ones scrapped; then a credit note",
        arguments: [(ItemCondition.resellable, Disposition.restock), (.damaged, .scrap), (.defective, .scrap)]
    )
    func disposition(_ condition: ItemCondition, _ disposition: Disposition) async throws {
        let h = try SupplyChainHarness()
        let request = try await h.returnRequest()
        let final = try await h.run { engine in
            let started = try await h.orchestrator.returnMerchandise(request, engine: engine)
            #expect(started.id == "rma-ret-7")
            try await h.waitUntil(id, step: Steps.awaitReceipt, is: .waiting)
            try await engine.signal(id: id, name: Signals.returnReceived, payload: try Self.receipt(condition))
            return try await engine.waitForCompletion(id: id)
        }
        #expect(final.status == .completed)
        #expect(final.correlationID == "ret-7")
        #expect(h.journal == ["createSalesOrder", "authorizeReturn", "recordInspection", "recordMovement", "issueCreditNote"])
        let movement = try #require(h.backend.movements.first)
        #expect(movement.request.kind == (disposition == .restock ? .restock : .scrap))
        #expect(movement.request.lines == [ItemQuantity(sku: "WIDGET", quantity: 2)])
        #expect(h.backend.stockLevel(sku: "WIDGET", warehouseID: "WH-A")?.onHand == (disposition == .restock ? 2 : 0))
        #expect((final.outputs[Steps.restock] != nil) == (disposition == .restock))
        #expect((final.outputs[Steps.scrap] != nil) == (disposition == .scrap))
        let rma = try #require(h.backend.returnAuthorizations.first)
        #expect(rma.status == .inspected)
        #expect(h.backend.creditNotes.map(\.request) == [CreditNoteRequest(returnAuthorizationID: rma.id, customerID: "C-1", amountMinor: 2_500, currency: "EUR")])
    }

    @Test("a receipt signal that arrives before the wait is kept (authorization retried meanwhile)")
    func signalBeforeWait() async throws {
        let h = try SupplyChainHarness()
        let request = try await h.returnRequest()
        h.backend.failNext(.authorizeReturn, with: .timedOut)
        let final = try await h.run { engine in
            try await h.orchestrator.returnMerchandise(request, engine: engine)
            try await h.waitUntil(id, step: Steps.authorize, is: .retryScheduled)
            try await engine.signal(id: id, name: Signals.returnReceived, payload: try Self.receipt(.damaged))
            await h.clock.waitForSleepers(count: 1)
            h.clock.advance(by: .seconds(1))
            return try await engine.waitForCompletion(id: id)
        }
        #expect(final.status == .completed)
        #expect(final.step(Steps.authorize)?.attempts == 2)
        #expect(try final.outputs[Steps.awaitReceipt]?.decode(ReturnReceipt.self).condition == .damaged)
        #expect(h.backend.movements.map(\.request.kind) == [.scrap])
        #expect(h.journal == ["createSalesOrder", "authorizeReturn", "recordInspection", "recordMovement", "issueCreditNote"])
    }

    static let stepFailures = [
        StepFailure(step: Steps.authorize, operation: .authorizeReturn, code: .notFound, status: .failed, journal: []),
        StepFailure(step: Steps.inspect, operation: .recordInspection, code: .failedPrecondition, status: .compensated, journal: ["authorizeReturn", "cancelReturn"]),
        StepFailure(step: Steps.restock, operation: .recordMovement, code: .notFound, status: .compensated, journal: ["authorizeReturn", "recordInspection", "cancelReturn"]),
        StepFailure(
            step: Steps.issueCreditNote, operation: .issueCreditNote, code: .failedPrecondition, status: .compensated,
            journal: ["authorizeReturn", "recordInspection", "recordMovement", "reverseMovement", "cancelReturn"]
        ),
    ]

    @Test("a refusal at step k compensates the completed steps in reverse order", arguments: stepFailures)
    func failureAtStep(_ failure: StepFailure) async throws {
        let h = try SupplyChainHarness()
        let request = try await h.returnRequest()
        h.backend.failNext(failure.operation, with: failure.code)
        let final = try await h.run { engine in
            try await h.orchestrator.returnMerchandise(request, engine: engine)
            try await engine.signal(id: id, name: Signals.returnReceived, payload: try Self.receipt(.resellable))
            return try await engine.waitForCompletion(id: id)
        }
        #expect(final.status == failure.status)
        #expect(final.failedStep == failure.step)
        #expect(final.error?.code == failure.code.stepCode)
        #expect(h.journal == ["createSalesOrder"] + failure.journal)
        #expect(h.backend.stockLevel(sku: "WIDGET", warehouseID: "WH-A")?.onHand == 0)
        #expect(h.backend.returnAuthorizations.allSatisfy { $0.status == .cancelled })
        #expect(h.backend.creditNotes.isEmpty)
    }

    @Test("goods not received before the timeout: the authorization is cancelled")
    func receiptTimeout() async throws {
        let h = try SupplyChainHarness()
        let request = try await h.returnRequest()
        let final = try await h.run { engine in
            try await h.orchestrator.returnMerchandise(request, engine: engine)
            try await h.waitUntil(id, step: Steps.awaitReceipt, is: .waiting)
            await h.clock.waitForSleepers(count: 1)
            h.clock.advance(by: .seconds(7_200))
            return try await engine.waitForCompletion(id: id)
        }
        #expect(final.status == .compensated)
        #expect(final.failedStep == Steps.awaitReceipt)
        #expect(final.error?.code == .deadlineExceeded)
        #expect(h.journal == ["createSalesOrder", "authorizeReturn", "cancelReturn"])
        #expect(h.backend.returnAuthorizations.map(\.status) == [.cancelled])
    }

    @Test("cancel while waiting for the goods cancels the authorization")
    func cancelMidFlight() async throws {
        let h = try SupplyChainHarness()
        let request = try await h.returnRequest()
        let (compensations, final) = try await h.run { engine in
            try await h.orchestrator.returnMerchandise(request, engine: engine)
            try await h.waitUntil(id, step: Steps.awaitReceipt, is: .waiting)
            let compensations = try await engine.cancel(id: id)
            return (compensations, try await engine.waitForCompletion(id: id))
        }
        #expect(compensations == [Steps.authorize])
        #expect(final.status == .compensated)
        #expect(h.journal == ["createSalesOrder", "authorizeReturn", "cancelReturn"])
    }

    @Test("starting the same return twice runs it once")
    func idempotentStart() async throws {
        let h = try SupplyChainHarness()
        let request = try await h.returnRequest()
        let final = try await h.run { engine in
            try await h.orchestrator.returnMerchandise(request, engine: engine)
            try await h.orchestrator.returnMerchandise(request, engine: engine)
            try await engine.signal(id: id, name: Signals.returnReceived, payload: try Self.receipt(.damaged))
            return try await engine.waitForCompletion(id: id)
        }
        #expect(final.status == .completed)
        #expect(h.journal.filter { $0 == "authorizeReturn" }.count == 1)
        #expect(h.backend.creditNotes.count == 1)
    }
}
