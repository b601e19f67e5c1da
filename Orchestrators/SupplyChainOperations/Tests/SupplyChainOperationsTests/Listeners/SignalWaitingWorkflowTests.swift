import BatonWorkflow
import SupplyChainOperations
import Testing

@Suite("SupplyChainOperations listeners")
struct SignalWaitingWorkflowTests {
    typealias Signals = SupplyChainOperationsOrchestrator.Signals

    @Test("the orchestrator's listeners handle ShipmentDispatched and ReturnReceived")
    func registration() throws {
        let h = try SupplyChainHarness()
        #expect(h.orchestrator.listeners.map(\.eventTypes) == [["ShipmentDispatched"], ["ReturnReceived"]])
        #expect(Set(h.orchestrator.listeners.map(\.name)).count == 2)
        #expect(h.orchestrator.workflows.map(\.type) == ["DropshipOrder", "ReturnMerchandise"])
    }

    @Test("a ShipmentDispatched event signals the waiting dropship order by correlation id; a duplicate is not delivered")
    func shipmentEvent() async throws {
        let h = try SupplyChainHarness()
        let router = DomainEventRouter(listeners: h.orchestrator.listeners, engine: h.engine)
        let event = DomainEvent(
            type: "ShipmentDispatched", id: "evt-1", correlationID: "web-100",
            payload: try WorkflowValue(encoding: SupplyChainHarness.shipment)
        )
        let (first, duplicate, final) = try await h.run { engine in
            try await h.orchestrator.dropshipOrder(SupplyChainHarness.dropship, engine: engine)
            try await h.waitUntil(SupplyChainHarness.dropshipID, step: SupplyChainOperationsOrchestrator.DropshipOrderSteps.awaitShipment, is: .waiting)
            let first = try await router.publish(event)
            let duplicate = try await router.publish(event)
            return (first, duplicate, try await engine.waitForCompletion(id: SupplyChainHarness.dropshipID))
        }
        #expect(first == .init(duplicate: false, handledBy: ["supply-chain.shipment-dispatched"], failures: [:]))
        #expect(duplicate.duplicate)
        #expect(final.status == .completed)
        #expect(final.pendingSignals.isEmpty)
        #expect(h.backend.invoices.map(\.request.shipmentReference) == ["JD0001"])
    }

    @Test("a ReturnReceived event signals the waiting return")
    func returnEvent() async throws {
        let h = try SupplyChainHarness()
        let router = DomainEventRouter(listeners: h.orchestrator.listeners, engine: h.engine)
        let request = try await h.returnRequest()
        let final = try await h.run { engine in
            try await h.orchestrator.returnMerchandise(request, engine: engine)
            let receipt = ReturnReceipt(returnReference: "ret-7", condition: .resellable)
            let delivery = try await router.publish(DomainEvent(type: "ReturnReceived", id: "evt-9", correlationID: "ret-7", payload: try WorkflowValue(encoding: receipt)))
            #expect(delivery.handledBy == ["supply-chain.return-received"])
            return try await engine.waitForCompletion(id: SupplyChainHarness.returnID)
        }
        #expect(final.status == .completed)
        #expect(h.backend.stockLevel(sku: "WIDGET", warehouseID: "WH-A")?.onHand == 2)
    }

    @Test("an event for no running workflow, or without a correlation id, is reported and may be published again")
    func unmatchedEvent() async throws {
        let h = try SupplyChainHarness()
        let router = DomainEventRouter(listeners: h.orchestrator.listeners, engine: h.engine)
        let unknown = try await router.publish(DomainEvent(type: "ShipmentDispatched", id: "evt-1", correlationID: "web-unknown"))
        #expect(unknown.failures["supply-chain.shipment-dispatched"]?.contains("NOT_FOUND") == true)
        #expect(try await router.publish(DomainEvent(type: "ShipmentDispatched", id: "evt-1", correlationID: "web-unknown")).duplicate == false)
        let anonymous = try await router.publish(DomainEvent(type: "ReturnReceived", id: "evt-2"))
        #expect(anonymous.failures["supply-chain.return-received"]?.contains("INVALID_ARGUMENT") == true)
    }
}
