import BatonWorkflow
import Testing

@Suite("WorkflowEngine parking (waiting instances live only in the store)")
struct WorkflowEngineParkingTests {
    static let signalWait = WorkflowDefinition("signal-wait", configuration: .defaults { $0.retry = .none }) {
        StepDefinition.waitForSignal("await", signal: "go")
        StepDefinition.call("finish", action: { context in context.input })
    }

    static let timerWait = WorkflowDefinition("timer-wait", configuration: .defaults { $0.retry = .none }) {
        StepDefinition.timer("sleep", .seconds(3600))
        StepDefinition.call("finish", action: { _ in "done" })
    }

    /// Polls (in real time) until `condition` holds.
    static func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<2_000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("condition not reached")
    }

    func makeEngine(
        store: any WorkflowStore = InMemoryWorkflowStore(),
        clock: ManualWorkflowClock = ManualWorkflowClock(),
        recoveryBatchSize: Int = 500
    ) throws -> WorkflowEngine {
        try WorkflowEngine(
            definitions: [Self.signalWait, Self.timerWait],
            store: store,
            clock: clock,
            configuration: .defaults {
                $0.parkAfter = .milliseconds(20)
                $0.recoveryBatchSize = recoveryBatchSize
            }
        )
    }

    @Test("a signal wait parks at once; a signal loads it again and it completes; waitForCompletion sees it")
    func signalWakesParked() async throws {
        let engine = try makeEngine()
        try await withRunningEngine(engine) { engine in
            for i in 0..<20 { try await engine.start(type: "signal-wait", id: "s-\(i)") }
            try await Self.eventually { engine.instanceCounts == (0, 20) }
            async let final = engine.waitForCompletion(id: "s-3")
            try await engine.signal(id: "s-3", name: "go")
            #expect(try await final.status == .completed)
            #expect(engine.instanceCounts.parked == 19)
        }
    }

    @Test("commands racing on one parked instance load it once, each is applied once, in versions")
    func racingCommands() async throws {
        let store = InMemoryWorkflowStore()
        let engine = try makeEngine(store: store)
        try await withRunningEngine(engine) { engine in
            try await engine.start(type: "signal-wait", id: "r")
            try await Self.eventually { engine.instanceCounts == (0, 1) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<8 {
                    group.addTask { try await engine.signal(id: "r", name: "other-\(i)") }
                }
                try await group.waitForAll()
            }
            try await Self.eventually { engine.instanceCounts == (0, 1) }
            let history = try await engine.history(id: "r")
            #expect(history.map(\.sequence) == Array(1...Int64(history.count)))
            #expect(try await engine.snapshot(id: "r").pendingSignals.count == 8)
            try await engine.pause(id: "r")
            try await engine.resume(id: "r")
            try await engine.signal(id: "r", name: "go")
            #expect(try await engine.waitForCompletion(id: "r").status == .completed)
        }
    }

    @Test("a long timer parks after the grace period; the engine's timer service wakes it on the clock")
    func timerWakesParked() async throws {
        let clock = ManualWorkflowClock()
        let engine = try makeEngine(clock: clock)
        try await withRunningEngine(engine) { engine in
            for i in 0..<5 { try await engine.start(type: "timer-wait", id: "t-\(i)") }
            try await Self.eventually { engine.instanceCounts == (0, 5) }
            // One sleeper for the whole engine, at the earliest wake-up.
            await clock.waitForSleepers(count: 1)
            #expect(clock.sleepingUntil.count == 1)
            clock.advance(by: .seconds(3600))
            for i in 0..<5 { #expect(try await engine.waitForCompletion(id: "t-\(i)").status == .completed) }
            #expect(engine.instanceCounts == (0, 0))
        }
    }

    @Test("recovery parks waiting instances without loading them; a paused one resumes on command")
    func recoveryParks() async throws {
        let store = InMemoryWorkflowStore()
        let clock = ManualWorkflowClock()
        let first = try makeEngine(store: store, clock: clock)
        try await withRunningEngine(first) { engine in
            try await engine.start(type: "signal-wait", id: "a")
            try await engine.start(type: "timer-wait", id: "b")
            try await Self.eventually { engine.instanceCounts == (0, 2) }
            try await engine.pause(id: "a")
            try await Self.eventually { engine.instanceCounts == (0, 2) }
        }
        // Recovery pages through more instances than one claim batch holds.
        let second = try makeEngine(store: store, clock: clock, recoveryBatchSize: 1)
        try await withRunningEngine(second) { engine in
            try await Self.eventually { engine.instanceCounts == (0, 2) }
            try await engine.resume(id: "a")
            try await engine.signal(id: "a", name: "go")
            clock.advance(by: .seconds(3600))
            #expect(try await engine.waitForCompletion(id: "a").status == .completed)
            #expect(try await engine.waitForCompletion(id: "b").status == .completed)
        }
    }

    @Test("a command to a finished instance is refused as before")
    func finishedRefused() async throws {
        let engine = try makeEngine()
        try await withRunningEngine(engine) { engine in
            try await engine.start(type: "signal-wait", id: "f")
            try await engine.signal(id: "f", name: "go")
            _ = try await engine.waitForCompletion(id: "f")
            await #expect(throws: WorkflowError.self) { try await engine.signal(id: "f", name: "go") }
        }
    }
}
