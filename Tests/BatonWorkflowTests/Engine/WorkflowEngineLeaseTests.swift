import BatonWorkflow
import Testing

@Suite("WorkflowEngine leases (several replicas on one store)")
struct WorkflowEngineLeaseTests {
    /// A replica's engine configuration: its own owner name and 30-second leases.
    static func leased(_ owner: String) -> WorkflowEngine.Configuration {
        .defaults {
            $0.owner = owner
            $0.leaseDuration = .seconds(30)
        }
    }

    @Test("a replica takes over a dead replica's workflow once its lease expires")
    func takeover() async throws {
        let ledger = StepLedger()
        let gate = Gate()
        let store = InMemoryWorkflowStore()
        let clock = ManualWorkflowClock()
        let stuck = WorkflowEngineTests.orderSaga(ledger, charge: { context in
            ledger.record(context)
            await gate.pass()
            try Task.checkCancellation()
            return "never"
        })
        let replicaA = try WorkflowEngine(definitions: [stuck], store: store, clock: clock, configuration: Self.leased("replica-a"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await replicaA.run() }
            try await replicaA.start(type: "order", id: "o-1")
            await gate.waitForEntries(1)
            group.cancelAll()  // replica A dies with the charge in flight
            gate.open()
            try? await group.waitForAll()
        }

        let replicaB = try WorkflowEngine(
            definitions: [WorkflowEngineTests.orderSaga(ledger)], store: store, clock: clock, configuration: Self.leased("replica-b")
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

@Suite("WorkflowEngine fencing (a stale replica's writes are refused)")
struct WorkflowEngineFencingTests {
    @Test("a replica that lost its lease mid-step cannot record the step's outcome over the new owner's work")
    func staleOwnerIsFenced() async throws {
        let ledger = StepLedger()
        let gate = Gate()
        let store = InMemoryWorkflowStore()
        let clock = ManualWorkflowClock()
        let slow = WorkflowEngineTests.orderSaga(ledger, charge: { context in
            ledger.record(context)
            await gate.pass()
            return "stale charge of replica A"
        })
        let replicaA = try WorkflowEngine(definitions: [slow], store: store, clock: clock, configuration: WorkflowEngineLeaseTests.leased("replica-a"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await replicaA.run() }
            try await replicaA.start(type: "order", id: "o-1")
            await gate.waitForEntries(1)

            // A stalls past its lease (as in a long GC pause or a partition); B claims the
            // instance, runs the charge again under the same key, and finishes the saga.
            store.expireAllLeases()
            let replicaB = try WorkflowEngine(
                definitions: [WorkflowEngineTests.orderSaga(ledger)], store: store, clock: clock, configuration: WorkflowEngineLeaseTests.leased("replica-b")
            )
            let final = try await withRunningEngine(replicaB) { engine in try await engine.waitForCompletion(id: "o-1") }
            #expect(final.status == .completed)
            #expect(final.outputs["charge"] == "P1")
            let historyBefore = try await store.history(id: "o-1")

            // A wakes up: its charge returns, and its commit is refused. Shutting A down waits
            // for that in-flight attempt to be dealt with.
            gate.open()
            replicaA.beginShutdown()
            try await group.waitForAll()

            #expect(try await store.snapshot(id: "o-1") == final)
            #expect(try await store.history(id: "o-1") == historyBefore)
        }
        #expect(ledger.all.filter { $0.step == "charge" }.map(\.key) == ["o-1/charge", "o-1/charge"])
        #expect(ledger.names.filter { $0 == "ship" }.count == 1)
    }
}
