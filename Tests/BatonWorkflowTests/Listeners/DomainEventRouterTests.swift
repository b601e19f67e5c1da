import BatonWorkflow
import Testing

@Suite("DomainEventRouter")
struct DomainEventRouterTests {
    /// Starts the `order` saga for each OrderCreated event, under an id derived from the order.
    struct StartsOrders: DomainEventListener {
        let name = "starts-orders"
        let eventTypes: Set<String> = ["OrderCreated"]
        func handle(_ event: DomainEvent, engine: WorkflowEngine) async throws {
            let order = try event.payload(as: [String: String].self)["order"] ?? ""
            try await engine.start(type: "order", id: "order-\(order)", input: event.payload, correlationID: event.correlationID)
        }
    }

    struct AlwaysFails: DomainEventListener {
        let name = "always-fails"
        let eventTypes: Set<String> = ["OrderCreated"]
        func handle(_ event: DomainEvent, engine: WorkflowEngine) async throws {
            throw StepError(.unavailable, "downstream is down")
        }
    }

    @Test("an event reaches its listeners once; a duplicate id is not delivered again")
    func deliversOnce() async throws {
        let ledger = StepLedger()
        let engine = try WorkflowEngine(definitions: [WorkflowEngineTests.orderSaga(ledger)], store: InMemoryWorkflowStore())
        let router = DomainEventRouter(listeners: [StartsOrders()], engine: engine)
        let event = DomainEvent(type: "OrderCreated", id: "evt-1", correlationID: "o-1", payload: ["order": "o-1"])
        let (first, second, other) = try await withRunningEngine(engine) { engine in
            let first = try await router.publish(event)
            let second = try await router.publish(event)
            let other = try await router.publish(DomainEvent(type: "OrderShipped", id: "evt-2"))
            _ = try await engine.waitForCompletion(id: "order-o-1")
            return (first, second, other)
        }
        #expect(first == .init(duplicate: false, handledBy: ["starts-orders"], failures: [:]))
        #expect(second.duplicate)
        #expect(other == .init(duplicate: false, handledBy: [], failures: [:]))
        #expect(ledger.all.filter { $0.step == "reserve" }.count == 1)
        #expect(try await engine.list().map(\.correlationID) == ["o-1"])
    }

    @Test("a failed delivery is reported and the event may be published again")
    func failureIsReported() async throws {
        let engine = try WorkflowEngine(definitions: [WorkflowEngineTests.orderSaga(StepLedger())], store: InMemoryWorkflowStore())
        let router = DomainEventRouter(listeners: [AlwaysFails()], engine: engine)
        let event = DomainEvent(type: "OrderCreated", id: "evt-1")
        let first = try await router.publish(event)
        let again = try await router.publish(event)
        #expect(first.failures["always-fails"]?.contains("downstream is down") == true)
        #expect(again.duplicate == false)
    }

    @Test("an event whose payload does not decode is refused, not failed: publishing it again cannot help")
    func refusedPayload() async throws {
        let engine = try WorkflowEngine(definitions: [WorkflowEngineTests.orderSaga(StepLedger())], store: InMemoryWorkflowStore())
        let router = DomainEventRouter(listeners: [StartsOrders(), AlwaysFails()], engine: engine)
        let delivery = try await router.publish(DomainEvent(type: "OrderCreated", id: "evt-1", payload: ["order": ["o-1"]]))
        #expect(delivery.refusedBy == ["starts-orders"])
        #expect(delivery.failures["starts-orders"] == "its payload does not decode: at order: expected a string, found an array")
        #expect(delivery.failures["always-fails"]?.contains("downstream is down") == true)
        #expect(try await engine.list().isEmpty)
    }

    @Test("an event without a type or id is refused")
    func invalidEvent() async throws {
        let engine = try WorkflowEngine(definitions: [WorkflowEngineTests.orderSaga(StepLedger())], store: InMemoryWorkflowStore())
        let router = DomainEventRouter(listeners: [], engine: engine)
        await #expect(throws: WorkflowError.self) { try await router.publish(DomainEvent(type: "", id: "x")) }
    }

    @Test("the de-duplication window forgets the oldest ids")
    func windowIsBounded() async throws {
        let engine = try WorkflowEngine(definitions: [WorkflowEngineTests.orderSaga(StepLedger())], store: InMemoryWorkflowStore())
        let router = DomainEventRouter(listeners: [], engine: engine, deduplicationWindow: 2)
        for id in ["a", "b", "c"] { _ = try await router.publish(DomainEvent(type: "T", id: id)) }
        #expect(try await router.publish(DomainEvent(type: "T", id: "c")).duplicate)
        #expect(try await router.publish(DomainEvent(type: "T", id: "a")).duplicate == false)
    }
}
