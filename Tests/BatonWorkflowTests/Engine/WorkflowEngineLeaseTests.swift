import BatonWorkflow
import Testing

@Suite("WorkflowEngine leases (several replicas on one store)")
struct WorkflowEngineLeaseTests {
    @Test("a replica takes over a dead replica's workflow once its lease expires")
    func takeover() async throws {
        let ledger = StepLedger()
        let gate = Gate()
        let store = InMemoryWorkflowStore()
        let clock = ManualWorkflowClock()
        let leased: (String) -> WorkflowEngine.Configuration = { owner in
            .defaults {
                $0.owner = owner
                $0.leaseDuration = .seconds(30)
            }
        }
        let stuck = WorkflowEngineTests.orderSaga(ledger, charge: { context in
            ledger.record(context)
            await gate.pass()
            try Task.checkCancellation()
            return "never"
        })
        let replicaA = try WorkflowEngine(definitions: [stuck], store: store, clock: clock, configuration: leased("replica-a"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await replicaA.run() }
            try await replicaA.start(type: "order", id: "o-1")
            await gate.waitForEntries(1)
            group.cancelAll()  // replica A dies with the charge in flight
            gate.open()
            try? await group.waitForAll()
        }

        let replicaB = try WorkflowEngine(
            definitions: [WorkflowEngineTests.orderSaga(ledger)], store: store, clock: clock, configuration: leased("replica-b")
        )
        let final = try await withRunningEngine(replicaB) { engine in
            // B's first claim finds the instance still leased by A.
            await clock.waitForSleepers(count: 1)
            #expect(try await store.snapshot(id: "o-1")?.isFinished == false)
            clock.advance(by: .seconds(31))
            return try await engine.waitForCompletion(id: "o-1")
        }
        #expect(final.status == .completed)
        #expect(ledger.all.filter { $0.step == "charge" }.map(\.key) == ["o-1/charge", "o-1/charge"])
    }
}
