import BatonWorkflow
import Synchronization
import Testing

@Suite("WorkflowEngine (in-memory store, manual clock)")
struct WorkflowEngineTests {
    static func orderSaga(_ ledger: StepLedger, charge: StepAction? = nil, retry: RetryPolicy = .none, version: Int = 1)
        -> WorkflowDefinition
    {
        WorkflowDefinition("order", version: version, configuration: .defaults { $0.retry = retry; $0.compensationRetry = predictableRetry(maxAttempts: 2) }) {
            StepDefinition.call("reserve", action: ledger.step("R1"), compensate: ledger.step())
            StepDefinition.call("charge", action: charge ?? ledger.step("P1"), compensate: ledger.step())
            StepDefinition.call("ship", action: ledger.step("S1"))
        }
    }

    func makeEngine(
        _ definitions: [WorkflowDefinition],
        store: any WorkflowStore = InMemoryWorkflowStore(),
        bus: InMemoryWorkflowEventBus = InMemoryWorkflowEventBus(),
        clock: ManualWorkflowClock = ManualWorkflowClock()
    ) throws -> WorkflowEngine {
        try WorkflowEngine(definitions: definitions, store: store, eventBus: bus, clock: clock)
    }

    @Test("a saga runs its steps in order, passing input, outputs and idempotency keys")
    func happyPath() async throws {
        let ledger = StepLedger()
        let seen = StepLedger()
        let definition = WorkflowDefinition("order") {
            StepDefinition.call("reserve", action: ledger.step(["reservation": "R1"]))
            StepDefinition.call("charge", action: { context in
                seen.record(context)
                #expect(context.input["order"] == "o-1")
                #expect(context.outputs["reserve"]?["reservation"] == "R1")
                return "P1"
            })
        }
        let engine = try makeEngine([definition])
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "order", id: "o-1", input: ["order": "o-1"], correlationID: "c-9")
            return try await engine.waitForCompletion(id: "o-1")
        }
        #expect(final.status == .completed)
        #expect(final.outputs["charge"] == "P1")
        #expect(final.correlationID == "c-9")
        #expect(ledger.all.map(\.key) == ["o-1/reserve"])
        #expect(seen.all.map(\.key) == ["o-1/charge"])
    }

    @Test("start is idempotent on the workflow id")
    func idempotentStart() async throws {
        let ledger = StepLedger()
        let engine = try makeEngine([Self.orderSaga(ledger)])
        try await withRunningEngine(engine) { engine in
            try await engine.start(type: "order", id: "o-1")
            let again = try await engine.start(type: "order", id: "o-1")
            #expect(again.id == "o-1")
            _ = try await engine.waitForCompletion(id: "o-1")
        }
        #expect(ledger.names == ["reserve", "charge", "ship"])
    }

    @Test(
        "an id that is empty, too long or holds a control character is refused, and nothing is stored",
        arguments: [
            ("", nil, "a workflow id must not be empty"),
            (String(repeating: "x", count: 1025), nil, "a workflow id must be at most 1024 bytes, not 1025"),
            ("nul\u{0}tail", nil, "a workflow id must not contain control characters (byte 3 is one)"),
            ("o-1", "line\nbreak", "a correlation id must not contain control characters (byte 4 is one)"),
        ] as [(String, String?, String)]
    )
    func refusedIdentifiers(id: String, correlationID: String?, message: String) async throws {
        let store = InMemoryWorkflowStore()
        let engine = try makeEngine([Self.orderSaga(StepLedger())], store: store)
        try await withRunningEngine(engine) { engine in
            let error = await #expect(throws: WorkflowError.self) {
                try await engine.start(type: "order", id: id, correlationID: correlationID)
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message == message)
            // The longest id allowed is taken.
            let longest = String(repeating: "é", count: WorkflowEngine.maximumIdentifierLength / 2)
            _ = try await engine.start(type: "order", id: longest)
            _ = try await engine.waitForCompletion(id: longest)
        }
        #expect(try await store.count(WorkflowQuery()) == 1)
    }

    @Test("an input that does not decode as the definition's input type is refused before anything is stored; a repeat of an existing id is not")
    func inputChecked() async throws {
        struct Order: Decodable { var orderID: String; var quantity: Int }
        let store = InMemoryWorkflowStore()
        let engine = try makeEngine([Self.orderSaga(StepLedger()).input(Order.self)], store: store)
        try await withRunningEngine(engine) { engine in
            let error = await #expect(throws: WorkflowError.self) {
                try await engine.start(type: "order", id: "o-1", input: ["orderID": "o-1", "quantity": "two"])
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message == "the input of order does not decode as Order: at quantity: expected a number, found a string")
            #expect(try await store.count(WorkflowQuery()) == 0)
            try await engine.start(type: "order", id: "o-1", input: ["orderID": "o-1", "quantity": 2])
            let repeated = try await engine.startReportingCreation(type: "order", id: "o-1", input: .null)
            #expect(repeated.created == false)
            #expect(repeated.snapshot.input == ["orderID": "o-1", "quantity": 2])
            _ = try await engine.waitForCompletion(id: "o-1")
        }
    }

    @Test("an input that decodes but fails its own validation is refused before anything is stored")
    func inputValidated() async throws {
        struct Order: Decodable, ValidatedInput {
            var quantity: Int
            func validate() throws {
                guard quantity > 0 else { throw StepError(.invalidArgument, "quantity must be positive, not \(quantity)") }
            }
        }
        let store = InMemoryWorkflowStore()
        let engine = try makeEngine([Self.orderSaga(StepLedger()).input(Order.self)], store: store)
        try await withRunningEngine(engine) { engine in
            let error = await #expect(throws: WorkflowError.self) {
                try await engine.start(type: "order", id: "o-1", input: ["quantity": 0])
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message == "the input of order is refused: INVALID_ARGUMENT: quantity must be positive, not 0")
        }
        #expect(try await store.count(WorkflowQuery()) == 0)
    }

    @Test("a command that arrives while the workflow's last commit is being made is refused as for a finished workflow")
    func commandDuringTheFinalCommit() async throws {
        let finishGate = Gate()
        let store = ClaimRecordingStore(finishGate: finishGate)
        let engine = try makeEngine([Self.orderSaga(StepLedger())], store: store)
        try await withRunningEngine(engine) { engine in
            try await engine.start(type: "order", id: "o-1")
            await finishGate.waitForEntries()  // the driver waits on its final commit, its mailbox still open
            let paused = Task { try await engine.pause(id: "o-1") }
            try await Task.sleep(for: .milliseconds(50))  // the command is posted to the mailbox meanwhile
            finishGate.open()
            let error = await #expect(throws: WorkflowError.self) { try await paused.value }
            #expect(error?.code == .illegalTransition)
            #expect(error?.message == "workflow 'o-1' is finished (COMPLETED)")
        }
    }

    @Test("a failing step compensates completed steps in reverse order and publishes lifecycle events")
    func compensation() async throws {
        let ledger = StepLedger()
        let bus = InMemoryWorkflowEventBus()
        let events = bus.watch(workflowID: "o-1")
        let definition = WorkflowDefinition("order", configuration: .defaults { $0.retry = .none }) {
            StepDefinition.call("reserve", action: ledger.step(), compensate: ledger.step())
            StepDefinition.call("charge", action: ledger.step(), compensate: ledger.step())
            StepDefinition.call("ship", action: ledger.failing(.failedPrecondition))
        }
        let engine = try makeEngine([definition], bus: bus)
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "order", id: "o-1")
            return try await engine.waitForCompletion(id: "o-1")
        }
        #expect(final.status == .compensated)
        #expect(ledger.names == ["reserve", "charge", "ship", "undo:charge", "undo:reserve"])
        #expect(ledger.all.filter(\.isCompensation).map(\.key) == ["o-1/charge/compensate", "o-1/reserve/compensate"])
        var names: [String] = []
        for await event in events { names.append(event.name) }  // ends with the final event
        #expect(names.last == "WorkflowCompensated")
        #expect(bus.subscriberCount == 0)
        #expect(names.contains("StepFailed"))
        #expect(names.contains("CompensationStarted"))
        #expect(names.first == "WorkflowCreated")
    }

    @Test("retries wait on the clock with the policy's backoff, then succeed")
    func retriesWithBackoff() async throws {
        let ledger = StepLedger()
        let clock = ManualWorkflowClock()
        let t0 = clock.now()
        let definition = Self.orderSaga(ledger, charge: ledger.failing(.unavailable, times: 2, output: "P1"), retry: predictableRetry(maxAttempts: 4))
        let engine = try makeEngine([definition], clock: clock)
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "order", id: "o-1")
            await clock.waitForSleepers(count: 1)
            #expect(clock.sleepingUntil == [t0.advanced(by: .milliseconds(100))])
            clock.advance(by: .milliseconds(100))
            await clock.waitForSleepers(count: 1)
            #expect(clock.sleepingUntil == [t0.advanced(by: .milliseconds(300))])
            clock.advance(by: .milliseconds(200))
            return try await engine.waitForCompletion(id: "o-1")
        }
        #expect(final.status == .completed)
        #expect(final.step("charge")?.attempts == 3)
        let charges = ledger.all.filter { $0.step == "charge" }
        #expect(charges.map(\.attempt) == [1, 2, 3])
        #expect(Set(charges.map(\.key)) == ["o-1/charge"])
    }

    @Test("a step that exceeds its timeout fails with DEADLINE_EXCEEDED")
    func stepTimeout() async throws {
        let ledger = StepLedger()
        let clock = ManualWorkflowClock()
        let gate = Gate()
        let definition = WorkflowDefinition("slow", configuration: .defaults { $0.retry = .none }) {
            StepDefinition.call("reserve", action: ledger.step(), compensate: ledger.step())
            StepDefinition.call("hang", action: { context in
                ledger.record(context)
                await gate.pass()
                // Steps must honour cancellation: the engine cancels an attempt that timed out.
                try await clock.sleep(until: WorkflowInstant(nanosecondsSinceEpoch: .max))
                return .null
            }).timeout(.seconds(2))
        }
        let engine = try makeEngine([definition], clock: clock)
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "slow", id: "w")
            await gate.waitForEntries(1)
            await clock.waitForSleepers(count: 1)
            gate.open()
            await clock.waitForSleepers(count: 2)
            clock.advance(by: .seconds(2))
            return try await engine.waitForCompletion(id: "w")
        }
        #expect(final.status == .compensated)
        #expect(final.step("hang")?.error?.code == .deadlineExceeded)
        #expect(ledger.names == ["reserve", "hang", "undo:reserve"])
    }

    @Test("a running step sees its context as StepContext.current: time left until the earlier deadline, correlation id, metadata")
    func currentStepContext() async throws {
        struct Seen: Sendable, Equatable {
            var step: String
            var isCompensation: Bool
            var timeRemaining: Duration?
            var correlationID: String?
        }
        let seen = Mutex<[Seen]>([])
        let observe: StepAction = { context in
            // Read through the task-local, as an adapter deep inside a contract call would.
            let current = try #require(StepContext.current)
            #expect(current.idempotencyKey == context.idempotencyKey)
            #expect(current.metadata == ["tenant": "acme"])
            seen.withLock {
                $0.append(Seen(step: current.stepName, isCompensation: current.isCompensation, timeRemaining: current.timeRemaining, correlationID: current.correlationID))
            }
            if current.stepName == "refuse" { throw StepError(.failedPrecondition, "no") }
            return .null
        }
        let definition = WorkflowDefinition("deadlines", configuration: .defaults { $0.timeout = .seconds(10) }) {
            StepDefinition.call("long", action: observe, compensate: observe).timeout(.seconds(30))
            StepDefinition.call("short", action: observe).timeout(.seconds(2))
            StepDefinition.call("unbounded", action: observe)
            StepDefinition.call("refuse", action: observe)
        }
        let engine = try makeEngine([definition])
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "deadlines", id: "w", correlationID: "corr-1", metadata: ["tenant": "acme"])
            return try await engine.waitForCompletion(id: "w")
        }
        #expect(final.status == .compensated)
        #expect(final.metadata == ["tenant": "acme"])
        #expect(StepContext.current == nil)
        #expect(seen.withLock { $0 } == [
            Seen(step: "long", isCompensation: false, timeRemaining: .seconds(10), correlationID: "corr-1"),
            Seen(step: "short", isCompensation: false, timeRemaining: .seconds(2), correlationID: "corr-1"),
            Seen(step: "unbounded", isCompensation: false, timeRemaining: .seconds(10), correlationID: "corr-1"),
            Seen(step: "refuse", isCompensation: false, timeRemaining: .seconds(10), correlationID: "corr-1"),
            // A compensation runs past the workflow's deadline: only its own step timeout bounds it.
            Seen(step: "long", isCompensation: true, timeRemaining: .seconds(30), correlationID: "corr-1"),
        ])
    }

    @Test("pause holds the workflow after its in-flight step; resume continues")
    func pauseAndResume() async throws {
        let ledger = StepLedger()
        let gate = Gate()
        let definition = Self.orderSaga(ledger, charge: ledger.gated(by: gate, "P1"))
        let engine = try makeEngine([definition])
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "order", id: "o-1")
            await gate.waitForEntries(1)
            let paused = try await engine.pause(id: "o-1")
            #expect(paused.status == .paused)
            await #expect(throws: WorkflowError.self) { try await engine.pause(id: "o-1") }
            gate.open()
            // The in-flight charge completes, but ship does not start while paused.
            var snapshot = try await engine.snapshot(id: "o-1")
            while snapshot.step("charge")?.status != .completed {
                await Task.yield()
                snapshot = try await engine.snapshot(id: "o-1")
            }
            #expect(snapshot.status == .paused)
            #expect(!ledger.names.contains("ship"))
            try await engine.resume(id: "o-1")
            return try await engine.waitForCompletion(id: "o-1")
        }
        #expect(final.status == .completed)
        #expect(ledger.names == ["reserve", "charge", "ship"])
    }

    @Test("cancel answers the compensations it will run and runs them in reverse order")
    func cancelRunning() async throws {
        let ledger = StepLedger()
        let gate = Gate()
        let definition = WorkflowDefinition("order", configuration: .defaults { $0.retry = .none }) {
            StepDefinition.call("reserve", action: ledger.step(), compensate: ledger.step())
            StepDefinition.call("charge", action: ledger.step(), compensate: ledger.step())
            StepDefinition.waitForSignal("await-delivery", signal: "Delivered")
            StepDefinition.call("close", action: ledger.step())
        }
        let engine = try makeEngine([definition])
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "order", id: "o-1")
            var snapshot = try await engine.snapshot(id: "o-1")
            while snapshot.step("await-delivery")?.status != .waiting {
                await Task.yield()
                snapshot = try await engine.snapshot(id: "o-1")
            }
            let compensations = try await engine.cancel(id: "o-1", reason: "customer request")
            #expect(compensations == ["charge", "reserve"])
            _ = gate
            return try await engine.waitForCompletion(id: "o-1")
        }
        #expect(final.status == .compensated)
        #expect(final.cancelReason == "customer request")
        #expect(ledger.names == ["reserve", "charge", "undo:charge", "undo:reserve"])
        await #expect(throws: WorkflowError.self) { try await engine.cancel(id: "o-1") }
        await #expect(throws: WorkflowError.self) { try await engine.cancel(id: "nope") }
    }

    @Test("a signal sent before the wait is kept; its payload becomes the wait's output")
    func signalBeforeWait() async throws {
        let ledger = StepLedger()
        let gate = Gate()
        let definition = WorkflowDefinition("onboarding") {
            StepDefinition.call("create-user", action: ledger.gated(by: gate, "u-1"))
            StepDefinition.waitForSignal("await-kyc", signal: "KycCompleted", timeout: .seconds(30))
            StepDefinition.call("activate", action: ledger.step())
        }
        let engine = try makeEngine([definition])
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "onboarding", id: "u")
            await gate.waitForEntries(1)
            try await engine.signal(id: "u", name: "KycCompleted", payload: ["level": "full"])
            gate.open()
            return try await engine.waitForCompletion(id: "u")
        }
        #expect(final.status == .completed)
        #expect(final.outputs["await-kyc"] == ["level": "full"])
        #expect(ledger.names == ["create-user", "activate"])
    }

    @Test("a wait times out on the clock and compensates")
    func waitTimeout() async throws {
        let ledger = StepLedger()
        let clock = ManualWorkflowClock()
        let definition = WorkflowDefinition("onboarding") {
            StepDefinition.call("create-user", action: ledger.step(), compensate: ledger.step())
            StepDefinition.waitForSignal("await-kyc", signal: "KycCompleted", timeout: .seconds(30))
        }
        let engine = try makeEngine([definition], clock: clock)
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "onboarding", id: "u")
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(30))
            return try await engine.waitForCompletion(id: "u")
        }
        #expect(final.status == .compensated)
        #expect(ledger.names == ["create-user", "undo:create-user"])
    }

    @Test("the workflow timeout starts compensation")
    func workflowTimeout() async throws {
        let ledger = StepLedger()
        let clock = ManualWorkflowClock()
        let definition = WorkflowDefinition("t", configuration: .defaults { $0.timeout = .seconds(60) }) {
            StepDefinition.call("reserve", action: ledger.step(), compensate: ledger.step())
            StepDefinition.timer("cool-off", .seconds(600))
            StepDefinition.call("never", action: ledger.step())
        }
        let engine = try makeEngine([definition], clock: clock)
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "t", id: "w")
            // The first step's attempt also sleeps on the workflow deadline: wait for the timer step.
            while try await engine.snapshot(id: "w").step("cool-off")?.status != .waiting { await Task.yield() }
            await clock.waitForSleepers(count: 1)
            #expect(clock.sleepingUntil == [clock.now().advanced(by: .seconds(60))])
            clock.advance(by: .seconds(60))
            return try await engine.waitForCompletion(id: "w")
        }
        #expect(final.status == .compensated)
        #expect(final.error?.code == .deadlineExceeded)
        #expect(ledger.names == ["reserve", "undo:reserve"])
    }

    @Test("a compensation that keeps failing parks the workflow in COMPENSATION_FAILED")
    func compensationFailed() async throws {
        let ledger = StepLedger()
        let clock = ManualWorkflowClock()
        let definition = WorkflowDefinition("order", configuration: .defaults { $0.retry = .none; $0.compensationRetry = predictableRetry(maxAttempts: 2) }) {
            StepDefinition.call("reserve", action: ledger.step(), compensate: ledger.failing(.unavailable))
            StepDefinition.call("charge", action: ledger.failing(.invalidArgument))
        }
        let engine = try makeEngine([definition], clock: clock)
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "order", id: "o")
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .milliseconds(100))
            return try await engine.waitForCompletion(id: "o")
        }
        #expect(final.status == .compensationFailed)
        #expect(final.failedStep == "reserve")
        #expect(ledger.names == ["reserve", "charge", "undo:reserve", "undo:reserve"])
    }

    @Test("the stored history replays to the stored snapshot")
    func historyReplay() async throws {
        let ledger = StepLedger()
        let store = InMemoryWorkflowStore()
        let definition = Self.orderSaga(ledger, charge: ledger.failing(.invalidArgument))
        let engine = try makeEngine([definition], store: store)
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "order", id: "o-1")
            return try await engine.waitForCompletion(id: "o-1")
        }
        let history = try await engine.history(id: "o-1")
        #expect(try WorkflowStateMachine.replay(history, definition: definition) == final)
        #expect(history.map(\.sequence) == Array(1...Int64(history.count)))
    }

    @Test("a restarted engine re-runs the in-flight step with the same idempotency key")
    func recovery() async throws {
        let ledger = StepLedger()
        let store = InMemoryWorkflowStore()
        let gate = Gate()
        let blocking = Self.orderSaga(ledger, charge: { context in
            ledger.record(context)
            await gate.pass()
            try Task.checkCancellation()
            return "never"
        })
        let first = try makeEngine([blocking], store: store)
        // Run the first engine until the charge is in flight, then kill it (task cancellation: no graceful shutdown).
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await first.run() }
            try await first.start(type: "order", id: "o-1")
            await gate.waitForEntries(1)
            group.cancelAll()
            gate.open()
            try? await group.waitForAll()
        }
        let parked = try #require(try await store.snapshot(id: "o-1"))
        #expect(parked.inFlight?.step == "charge")
        #expect(!parked.isFinished)

        let second = try makeEngine([Self.orderSaga(ledger)], store: store)
        let final = try await withRunningEngine(second) { engine in
            try await engine.waitForCompletion(id: "o-1")
        }
        #expect(final.status == .completed)
        let charges = ledger.all.filter { $0.step == "charge" }
        #expect(charges.count == 2)
        #expect(Set(charges.map(\.key)) == ["o-1/charge"])
        #expect(charges.map(\.attempt) == [1, 1])
        #expect(ledger.names.filter { $0 == "reserve" }.count == 1)
    }

    @Test("a running instance stays on the definition version it started with")
    func versioning() async throws {
        let v1 = StepLedger()
        let v2 = StepLedger()
        let store = InMemoryWorkflowStore()
        let clock = ManualWorkflowClock()
        let oldDefinition = WorkflowDefinition("order", version: 1) {
            StepDefinition.timer("wait", .seconds(1))
            StepDefinition.call("step-v1", action: v1.step())
        }
        let newDefinition = WorkflowDefinition("order", version: 2) {
            StepDefinition.call("step-v2", action: v2.step())
        }
        let engine = try makeEngine([oldDefinition], store: store, clock: clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            try await engine.start(type: "order", id: "old")
            await clock.waitForSleepers(count: 1)
            group.cancelAll()
            try? await group.waitForAll()
        }
        let upgraded = try makeEngine([oldDefinition, newDefinition], store: store, clock: clock)
        try await withRunningEngine(upgraded) { engine in
            let fresh = try await engine.start(type: "order", id: "new")
            #expect(fresh.definitionVersion == 2)
            clock.advance(by: .seconds(1))
            let old = try await engine.waitForCompletion(id: "old")
            #expect(old.definitionVersion == 1)
            #expect(old.status == .completed)
            _ = try await engine.waitForCompletion(id: "new")
        }
        #expect(v1.names == ["step-v1"])
        #expect(v2.names == ["step-v2"])
        #expect(upgraded.registeredDefinitions.map(\.version) == [1, 2])
    }

    @Test("unknown types and conflicting ids are rejected")
    func startErrors() async throws {
        let engine = try makeEngine([Self.orderSaga(StepLedger())])
        await #expect(throws: WorkflowError.self) { try await engine.start(type: "nope", id: "x") }
        await #expect(throws: WorkflowError.self) { try await engine.start(type: "order", id: "x", version: 9) }
        #expect(throws: WorkflowError.self) { try WorkflowEngine(definitions: [Self.orderSaga(StepLedger()), Self.orderSaga(StepLedger())], store: InMemoryWorkflowStore()) }
    }
}

@Suite("WorkflowEngine parallel groups")
struct WorkflowEngineParallelTests {
    @Test("branches run concurrently; a failing branch compensates the completed ones")
    func concurrentBranches() async throws {
        let ledger = StepLedger()
        let barrier = Gate()
        // Each branch waits until all three are in flight: only concurrent execution gets past it.
        func branch(_ output: WorkflowValue, fail: Bool = false) -> StepAction {
            { context in
                ledger.record(context)
                await barrier.pass()
                if fail { throw StepError(.failedPrecondition, "declined") }
                return output
            }
        }
        let definition = WorkflowDefinition("fanout", configuration: .defaults { $0.retry = .none }) {
            StepDefinition.call("order", action: ledger.step(), compensate: ledger.step())
            StepDefinition.parallel("prepare") {
                StepDefinition.call("inventory", action: branch("I"), compensate: ledger.step())
                StepDefinition.call("payment", action: branch("P", fail: true), compensate: ledger.step())
                StepDefinition.call("notify", action: branch("N"))
            }
        }
        let engine = try WorkflowEngine(definitions: [definition], store: InMemoryWorkflowStore(), clock: ManualWorkflowClock())
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "fanout", id: "f")
            await barrier.waitForEntries(3)
            barrier.open()
            return try await engine.waitForCompletion(id: "f")
        }
        #expect(final.status == .compensated)
        #expect(final.failedStep == "payment")
        let undo = ledger.names.filter { $0.hasPrefix("undo:") }
        #expect(undo == ["undo:inventory", "undo:order"])
    }
}

@Suite("WorkflowEngine sub-workflows")
struct WorkflowEngineSubWorkflowTests {
    @Test("a sub-workflow step runs a child workflow keyed by the parent's idempotency key")
    func childCompletes() async throws {
        let ledger = StepLedger()
        let child = WorkflowDefinition("payment") {
            StepDefinition.call("authorize", action: ledger.step("auth-1"))
            StepDefinition.call("capture", action: ledger.step("cap-1"))
        }
        let parent = WorkflowDefinition("order") {
            StepDefinition.call("reserve", action: ledger.step())
            StepDefinition.subWorkflow("pay", type: "payment", input: { context in ["order": .string(context.workflowID)] })
            StepDefinition.call("ship", action: ledger.step())
        }
        let engine = try WorkflowEngine(definitions: [parent, child], store: InMemoryWorkflowStore(), clock: ManualWorkflowClock())
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "order", id: "o-1")
            return try await engine.waitForCompletion(id: "o-1")
        }
        #expect(final.status == .completed)
        #expect(final.outputs["pay"] == ["authorize": "auth-1", "capture": "cap-1"])
        let childSnapshot = try await engine.snapshot(id: "o-1/pay")
        #expect(childSnapshot.type == "payment")
        #expect(childSnapshot.input == ["order": "o-1"])
        #expect(ledger.all.map(\.key) == ["o-1/reserve", "o-1/pay/authorize", "o-1/pay/capture", "o-1/ship"])
    }

    @Test("a parent with the longest id allowed still runs its child, whose id is longer")
    func childOfTheLongestID() async throws {
        let child = WorkflowDefinition("payment") { StepDefinition.call("authorize", action: { _ in .null }) }
        let parent = WorkflowDefinition("order") { StepDefinition.subWorkflow("pay", type: "payment") }
        let engine = try WorkflowEngine(definitions: [parent, child], store: InMemoryWorkflowStore(), clock: ManualWorkflowClock())
        let id = String(repeating: "p", count: WorkflowEngine.maximumIdentifierLength)
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "order", id: id)
            return try await engine.waitForCompletion(id: id)
        }
        #expect(final.status == .completed)
        #expect(try await engine.snapshot(id: id + "/pay").status == .completed)
    }

    @Test("a child that compensates fails the parent step, and the parent compensates too")
    func childFails() async throws {
        let ledger = StepLedger()
        let child = WorkflowDefinition("payment", configuration: .defaults { $0.retry = .none }) {
            StepDefinition.call("authorize", action: ledger.step(), compensate: ledger.step())
            StepDefinition.call("capture", action: ledger.failing(.failedPrecondition))
        }
        let parent = WorkflowDefinition("order", configuration: .defaults { $0.retry = .none }) {
            StepDefinition.call("reserve", action: ledger.step(), compensate: ledger.step())
            StepDefinition.subWorkflow("pay", type: "payment")
        }
        let engine = try WorkflowEngine(definitions: [parent, child], store: InMemoryWorkflowStore(), clock: ManualWorkflowClock())
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "order", id: "o-1")
            return try await engine.waitForCompletion(id: "o-1")
        }
        #expect(final.status == .compensated)
        #expect(final.step("pay")?.error?.code == .aborted)
        #expect(ledger.names == ["reserve", "authorize", "capture", "undo:authorize", "undo:reserve"])
    }

    @Test("a parent that fails after its child completed compensates the sub-workflow step, then the steps before it (LIFO)")
    func completedChildIsCompensated() async throws {
        let ledger = StepLedger()
        let child = WorkflowDefinition("payment") {
            StepDefinition.call("authorize", action: ledger.step("auth-1"))
        }
        let parent = WorkflowDefinition("order", configuration: .defaults { $0.retry = .none }) {
            StepDefinition.call("reserve", action: ledger.step(), compensate: ledger.step())
            StepDefinition.subWorkflow("pay", type: "payment", compensate: { context in
                ledger.record(context)
                // The compensation sees what the child produced, to undo exactly that.
                #expect(context.outputs["pay"] == ["authorize": "auth-1"])
                return .null
            })
            StepDefinition.call("ship", action: ledger.failing(.failedPrecondition))
        }
        let engine = try WorkflowEngine(definitions: [parent, child], store: InMemoryWorkflowStore(), clock: ManualWorkflowClock())
        let final = try await withRunningEngine(engine) { engine in
            try await engine.start(type: "order", id: "o-1")
            return try await engine.waitForCompletion(id: "o-1")
        }
        #expect(final.status == .compensated)
        #expect(ledger.names == ["reserve", "authorize", "ship", "undo:pay", "undo:reserve"])
        #expect(try await engine.snapshot(id: "o-1/pay").status == .completed)
    }

    @Test("a parent restarted while its child runs awaits the same child: one child, completed, parent completed")
    func restartDuringChild() async throws {
        let ledger = StepLedger()
        let gate = Gate()
        let store = InMemoryWorkflowStore()
        let clock = ManualWorkflowClock()
        func definitions(capture: @escaping StepAction) -> [WorkflowDefinition] {
            [
                WorkflowDefinition("order") {
                    StepDefinition.call("reserve", action: ledger.step())
                    StepDefinition.subWorkflow("pay", type: "payment")
                    StepDefinition.call("ship", action: ledger.step())
                },
                WorkflowDefinition("payment") {
                    StepDefinition.call("authorize", action: ledger.step("auth-1"))
                    StepDefinition.call("capture", action: capture)
                },
            ]
        }
        let first = try WorkflowEngine(
            definitions: definitions(capture: { context in
                ledger.record(context)
                await gate.pass()
                try await clock.sleep(until: WorkflowInstant(nanosecondsSinceEpoch: .max))
                return "never"
            }),
            store: store,
            clock: clock
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await first.run() }
            try await first.start(type: "order", id: "o-1")
            await gate.waitForEntries(1)
            group.cancelAll()  // a crash with the child's capture in flight
            gate.open()
            try? await group.waitForAll()
        }
        store.expireAllLeases()
        let second = try WorkflowEngine(definitions: definitions(capture: ledger.step("cap-1")), store: store, clock: clock)
        let final = try await withRunningEngine(second) { engine in try await engine.waitForCompletion(id: "o-1") }
        #expect(final.status == .completed)
        #expect(final.outputs["pay"] == ["authorize": "auth-1", "capture": "cap-1"])
        #expect(try await store.list(WorkflowQuery(type: "payment")).map(\.id) == ["o-1/pay"])
        #expect(ledger.names == ["reserve", "authorize", "capture", "capture", "ship"])
        #expect(ledger.all.filter { $0.step == "capture" }.map(\.key) == ["o-1/pay/capture", "o-1/pay/capture"])
    }
}
