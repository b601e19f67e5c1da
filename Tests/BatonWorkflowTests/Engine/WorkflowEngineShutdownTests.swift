import BatonWorkflow
import Logging
import ServiceLifecycle
import Testing

@Suite("WorkflowEngine graceful shutdown")
struct WorkflowEngineShutdownTests {
    @Test("shutdown lets the in-flight step finish and persists it; a new engine continues from there")
    func inFlightStepFinishes() async throws {
        let ledger = StepLedger()
        let gate = Gate()
        let store = InMemoryWorkflowStore()
        let definition = WorkflowEngineTests.orderSaga(ledger, charge: ledger.gated(by: gate, "P1"))
        let engine = try WorkflowEngine(definitions: [definition], store: store, clock: ManualWorkflowClock())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            try await engine.start(type: "order", id: "o-1")
            await gate.waitForEntries(1)
            engine.beginShutdown()
            await #expect { try await engine.start(type: "order", id: "o-2") } throws: {
                ($0 as? WorkflowError)?.code == .shuttingDown
            }
            gate.open()
            try await group.waitForAll()  // run() returns once the driver has parked
        }
        let parked = try #require(try await store.snapshot(id: "o-1"))
        #expect(parked.step("charge")?.status == .completed)
        #expect(parked.step("ship")?.status == .pending)
        #expect(parked.inFlight == nil)
        #expect(!parked.isFinished)

        let next = try WorkflowEngine(definitions: [WorkflowEngineTests.orderSaga(ledger)], store: store, clock: ManualWorkflowClock())
        let final = try await withRunningEngine(next) { try await $0.waitForCompletion(id: "o-1") }
        #expect(final.status == .completed)
        #expect(ledger.names == ["reserve", "charge", "ship"])
    }

    @Test("the engine is a Service: a ServiceGroup's graceful shutdown stops it")
    func serviceGroup() async throws {
        let clock = ManualWorkflowClock()
        let definition = WorkflowDefinition("waiting") {
            StepDefinition.waitForSignal("await", signal: "Go", timeout: .seconds(3600))
        }
        let engine = try WorkflowEngine(definitions: [definition], store: InMemoryWorkflowStore(), clock: clock)
        let serviceGroup = ServiceGroup(services: [engine], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await serviceGroup.run() }
            try await engine.start(type: "waiting", id: "w")
            await clock.waitForSleepers(count: 1)
            await serviceGroup.triggerGracefulShutdown()
            try await group.waitForAll()
        }
        let snapshot = try await engine.snapshot(id: "w")
        #expect(snapshot.step("await")?.status == .waiting)
        #expect(!snapshot.isFinished)
    }
}
