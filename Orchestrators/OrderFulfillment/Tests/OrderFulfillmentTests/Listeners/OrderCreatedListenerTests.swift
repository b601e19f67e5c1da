import BatonWorkflow
import OrderFulfillment
import Testing

@Suite("OrderCreated listener")
struct OrderCreatedListenerTests {
    @Test("an OrderCreated event starts PlaceOrder once, even when delivered twice")
    func startsOnce() async throws {
        let h = try OrderHarness()
        let router = DomainEventRouter(listeners: h.orchestrator.listeners, engine: h.engine)
        let event = DomainEvent(type: OrderCreatedListener.eventType, id: "evt-1", correlationID: "o-1", payload: try WorkflowValue(encoding: OrderHarness.request))
        let final = try await withRunningEngine(h.engine) { engine in
            let first = try await router.publish(event)
            let duplicate = try await router.publish(event)
            #expect(first.handledBy.count == 1)
            #expect(first.failures.isEmpty)
            #expect(duplicate.duplicate)
            // The same order announced again under a new event id (as after a restart) finds the same workflow.
            var redelivered = event
            redelivered.id = "evt-2"
            #expect(try await router.publish(redelivered).handledBy.count == 1)
            return try await engine.waitForCompletion(id: OrderHarness.workflowID)
        }
        #expect(final.status == .completed)
        #expect(final.correlationID == "o-1")
        #expect(try await h.engine.list(WorkflowQuery(correlationID: "o-1")).count == 1)
        #expect(h.backend.effects(of: .reserve) == 1)
        #expect(h.backend.notificationsSent(orderID: "o-1") == 1)
    }

    @Test("an event whose payload is not an order is reported as a failed delivery")
    func badPayload() async throws {
        let h = try OrderHarness()
        let router = DomainEventRouter(listeners: h.orchestrator.listeners, engine: h.engine)
        let delivery = try await router.publish(DomainEvent(type: OrderCreatedListener.eventType, id: "evt-1", payload: ["orderID": "o-1"]))
        #expect(delivery.handledBy.isEmpty)
        #expect(delivery.failures.count == 1)
        #expect(try await h.engine.list().isEmpty)
    }
}
