import BatonWorkflow
import BatonWorkflowTesting
import OrderFulfillment
import OrderFulfillmentInMemory
import Testing

@Suite("PlaceOrder workflow (in-memory adapter, manual clock)")
struct PlaceOrderTests {
    typealias Operation = OrderFulfillmentAdapters.InMemory.Operation
    typealias Step = PlaceOrder.Step

    @Test("the happy path reserves, charges, schedules and notifies once each")
    func happyPath() async throws {
        let h = try OrderHarness()
        let final = try await withRunningEngine(h.engine) { engine in
            let started = try await h.orchestrator.placeOrder(OrderHarness.request, engine: engine)
            #expect(started.id == OrderHarness.workflowID)
            #expect(started.correlationID == "o-1")
            return try await engine.waitForCompletion(id: started.id)
        }
        #expect(final.status == .completed)
        #expect(final.steps.map(\.name) == [Step.reserveInventory, Step.processPayment, Step.scheduleDelivery, Step.notifyCustomer])
        #expect(h.backend.available(sku: "sku-a") == 8)
        #expect(h.backend.available(sku: "sku-b") == 9)
        #expect(h.backend.capturedMinor(customerID: "c-1") == 1900)
        #expect(h.backend.activeDeliveries(orderID: "o-1").count == 1)
        #expect(h.backend.notificationsSent(orderID: "o-1") == 1)
        let payment = try #require(final.outputs[Step.processPayment]).decode(PaymentReceipt.self)
        #expect(payment.amountMinor == 1900)
    }

    struct FailureCase: Sendable, CustomTestStringConvertible {
        var step: String
        var operation: Operation
        var code: OrderFulfillmentError.Code
        var compensations: [String]
        var testDescription: String { "\(step) fails with \(code)" }
    }

    static let failures = [
        FailureCase(step: Step.reserveInventory, operation: .reserve, code: .insufficientStock, compensations: []),
        FailureCase(step: Step.processPayment, operation: .charge, code: .paymentDeclined, compensations: [Step.reserveInventory]),
        FailureCase(step: Step.scheduleDelivery, operation: .schedule, code: .invalidArgument, compensations: [Step.processPayment, Step.reserveInventory]),
        FailureCase(
            step: Step.notifyCustomer, operation: .notify, code: .notFound,
            compensations: [Step.scheduleDelivery, Step.processPayment, Step.reserveInventory]
        ),
    ]

    @Test("a refusal at step k undoes steps 1..k-1 newest first", arguments: failures)
    func failureAtStep(_ failure: FailureCase) async throws {
        let h = try OrderHarness()
        h.backend.failNext(1, of: failure.operation, with: failure.code)
        let final = try await withRunningEngine(h.engine) { engine in
            try await h.orchestrator.placeOrder(OrderHarness.request, engine: engine)
            return try await engine.waitForCompletion(id: OrderHarness.workflowID)
        }
        #expect(final.status == (failure.compensations.isEmpty ? .failed : .compensated))
        #expect(final.failedStep == failure.step)
        #expect(final.error?.code == failure.code.stepCode)
        #expect(final.step(failure.step)?.attempts == 1, "a business refusal is not retried")
        #expect(try await h.engine.compensationsRun(OrderHarness.workflowID) == failure.compensations)
        h.expectNothingLeft()
        #expect(h.backend.notificationsSent(orderID: "o-1") == 0)
    }

    @Test("real stock running out and a real payment limit fail the order and undo it")
    func realRefusals() async throws {
        let h = try OrderHarness()
        h.backend.setPaymentLimit(customerID: "c-1", limitMinor: 1000)
        let final = try await withRunningEngine(h.engine) { engine in
            try await h.orchestrator.placeOrder(OrderHarness.request, engine: engine)
            return try await engine.waitForCompletion(id: OrderHarness.workflowID)
        }
        #expect(final.status == .compensated)
        #expect(final.failedStep == Step.processPayment)
        #expect(final.error?.code == .failedPrecondition)
        h.expectNothingLeft()
    }

    @Test("a transient failure is retried with backoff and has a single effect")
    func transientRetry() async throws {
        let h = try OrderHarness()
        // The first two charges take effect but their answers are lost.
        h.backend.failNext(2, of: .charge, with: .unavailable, afterEffect: true)
        let final = try await withRunningEngine(h.engine) { engine in
            try await h.orchestrator.placeOrder(OrderHarness.request, engine: engine)
            try await engine.advanceToRetry(of: Step.processPayment, in: OrderHarness.workflowID, clock: h.clock)
            try await engine.advanceToRetry(of: Step.processPayment, in: OrderHarness.workflowID, clock: h.clock)
            return try await engine.waitForCompletion(id: OrderHarness.workflowID)
        }
        #expect(final.status == .completed)
        #expect(final.step(Step.processPayment)?.attempts == 3)
        #expect(h.backend.calls(of: .charge) == 3)
        #expect(h.backend.effects(of: .charge) == 1)
        #expect(h.backend.capturedMinor(customerID: "c-1") == 1900)
    }

    @Test("a transient failure that outlasts the retries fails the order and compensates")
    func retriesExhausted() async throws {
        let h = try OrderHarness()
        h.backend.failNext(.max, of: .schedule, with: .unavailable)
        let final = try await withRunningEngine(h.engine) { engine in
            try await h.orchestrator.placeOrder(OrderHarness.request, engine: engine)
            for _ in 1..<5 { try await engine.advanceToRetry(of: Step.scheduleDelivery, in: OrderHarness.workflowID, clock: h.clock) }
            return try await engine.waitForCompletion(id: OrderHarness.workflowID)
        }
        #expect(final.status == .compensated)
        #expect(final.step(Step.scheduleDelivery)?.attempts == 5)
        #expect(final.error?.code == .unavailable)
        #expect(try await h.engine.compensationsRun(OrderHarness.workflowID) == [Step.processPayment, Step.reserveInventory])
        h.expectNothingLeft()
    }

    @Test("a delivery call that exceeds the step timeout is abandoned without effect and retried")
    func stepTimeout() async throws {
        let h = try OrderHarness()
        h.backend.addLatency(.seconds(60), to: .schedule, calls: 1)
        let final = try await withRunningEngine(h.engine) { engine in
            try await h.orchestrator.placeOrder(OrderHarness.request, engine: engine)
            try await engine.waitForStep(Step.scheduleDelivery, of: OrderHarness.workflowID, .running)
            let slowCallEnds = h.clock.now().advanced(by: .seconds(60))
            try await eventually("the slow call sleeps") { h.clock.sleepingUntil.contains(slowCallEnds) }
            try await eventually("the step timeout sleeps") { h.clock.sleepingUntil.contains(h.clock.now().advanced(by: .seconds(10))) }
            h.clock.advance(by: .seconds(10))
            try await engine.advanceToRetry(of: Step.scheduleDelivery, in: OrderHarness.workflowID, clock: h.clock)
            return try await engine.waitForCompletion(id: OrderHarness.workflowID)
        }
        #expect(final.status == .completed)
        #expect(final.step(Step.scheduleDelivery)?.attempts == 2)
        let failures = try await h.engine.history(id: OrderHarness.workflowID).compactMap { event -> StepError? in
            if case .stepFailed(Step.scheduleDelivery, _, let error, _) = event.kind { return error }
            return nil
        }
        #expect(failures.map(\.code) == [.deadlineExceeded])
        #expect(h.backend.effects(of: .schedule) == 1)
        #expect(h.backend.activeDeliveries(orderID: "o-1").count == 1)
    }

    @Test("cancel while the payment is in flight compensates everything that completed")
    func cancelMidFlight() async throws {
        let h = try OrderHarness()
        let (compensations, final) = try await withRunningEngine(h.engine) { engine in
            try await h.placeOrderWithSlowCharge(.seconds(5))
            let compensations = try await engine.cancel(id: OrderHarness.workflowID, reason: "customer request")
            h.clock.advance(by: .seconds(5))
            return (compensations, try await engine.waitForCompletion(id: OrderHarness.workflowID))
        }
        // The in-flight charge finishes, so its refund is part of the compensation.
        #expect(compensations == [Step.processPayment, Step.reserveInventory])
        #expect(final.status == .compensated)
        #expect(final.cancelReason == "customer request")
        #expect(try await h.engine.compensationsRun(OrderHarness.workflowID) == [Step.processPayment, Step.reserveInventory])
        #expect(h.backend.effects(of: .refund) == 1)
        #expect(h.backend.calls(of: .schedule) == 0)
        h.expectNothingLeft()
    }

    @Test("pause lets the in-flight payment finish and holds the order until resumed")
    func pauseAndResume() async throws {
        let h = try OrderHarness()
        let final = try await withRunningEngine(h.engine) { engine in
            try await h.placeOrderWithSlowCharge(.seconds(5))
            #expect(try await engine.pause(id: OrderHarness.workflowID).status == .paused)
            h.clock.advance(by: .seconds(5))
            try await engine.waitForStep(Step.processPayment, of: OrderHarness.workflowID, .completed)
            #expect(try await engine.snapshot(id: OrderHarness.workflowID).status == .paused)
            #expect(h.backend.calls(of: .schedule) == 0)
            try await engine.resume(id: OrderHarness.workflowID)
            return try await engine.waitForCompletion(id: OrderHarness.workflowID)
        }
        #expect(final.status == .completed)
        #expect(h.backend.effects(of: .charge) == 1)
        #expect(h.backend.effects(of: .schedule) == 1)
    }

    @Test("placing the same order twice starts one workflow")
    func idempotentStart() async throws {
        let h = try OrderHarness()
        let final = try await withRunningEngine(h.engine) { engine in
            let first = try await h.orchestrator.placeOrder(OrderHarness.request, engine: engine)
            let second = try await h.orchestrator.placeOrder(OrderHarness.request, engine: engine)
            #expect(first.id == second.id)
            return try await engine.waitForCompletion(id: first.id)
        }
        #expect(final.status == .completed)
        #expect(try await h.engine.list(WorkflowQuery(type: PlaceOrder.type)).count == 1)
        #expect(h.backend.effects(of: .reserve) == 1)
        #expect(h.backend.effects(of: .charge) == 1)
    }

    @Test("a malformed order is refused before anything starts")
    func invalidRequest() async throws {
        let h = try OrderHarness()
        var request = OrderHarness.request
        request.lines = []
        await #expect(throws: OrderFulfillmentError.self) { try await h.orchestrator.placeOrder(request, engine: h.engine) }
        #expect(try await h.engine.list().isEmpty)
    }

    @Test("the workflow is registered under its stable type name")
    func registration() throws {
        let h = try OrderHarness()
        #expect(h.orchestrator.workflows.map(\.type) == ["PlaceOrder"])
        #expect(h.engine.registeredDefinitions.first?.steps.filter(\.hasCompensation).count == 3)
    }
}
