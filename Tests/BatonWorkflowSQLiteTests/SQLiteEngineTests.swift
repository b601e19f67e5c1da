import BatonWorkflow
import BatonWorkflowSQLite
import Foundation
import Synchronization
import Testing

/// The engine on a real SQLite file: durability across a hard stop and a reopen.
@Suite("WorkflowEngine on SQLite")
struct SQLiteEngineTests {
    /// Records step calls keyed by idempotency key, as an atomic service would.
    final class Ledger: Sendable {
        let calls = Mutex<[(step: String, key: String)]>([])
        func record(_ context: StepContext) {
            calls.withLock { $0.append((context.isCompensation ? "undo:\(context.stepName)" : context.stepName, context.idempotencyKey)) }
        }
        var steps: [String] { calls.withLock { $0.map(\.step) } }
        var keys: [String] { calls.withLock { $0.map(\.key) } }
    }

    final class Latch: Sendable {
        let state = Mutex<(hit: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))
        func hit() {
            let waiter = state.withLock { s in
                s.hit = true
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume()
        }
        func wait() async {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s in
                    if s.hit { return true }
                    s.waiter = c
                    return false
                }
                if now { c.resume() }
            }
        }
    }

    static func definition(_ ledger: Ledger, charge: @escaping StepAction) -> WorkflowDefinition {
        WorkflowDefinition("order", configuration: .defaults { $0.retry = .none }) {
            StepDefinition.call("reserve", action: { c in ledger.record(c); return "R" }, compensate: { c in ledger.record(c); return .null })
            StepDefinition.call("charge", action: charge, compensate: { c in ledger.record(c); return .null })
            StepDefinition.call("ship", action: { c in ledger.record(c); return "S" })
        }
    }

    @Test("after a hard stop and a reopen, the in-flight step re-runs with the same key and the saga completes")
    func recoveryAcrossReopen() async throws {
        try await withTemporaryDirectory { (dir: String) async throws in
            let path = dir + "/baton.sqlite"
            let ledger = Ledger()
            let inFlight = Latch()
            do {
                let store = try SQLiteWorkflowStore(path: path)
                let engine = try WorkflowEngine(
                    definitions: [Self.definition(ledger) { c in
                        ledger.record(c)
                        inFlight.hit()
                        try await Task.sleep(for: .seconds(3600))
                        return "never"
                    }],
                    store: store
                )
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await engine.run() }
                    try await engine.start(type: "order", id: "o-1", input: ["amount": 42])
                    await inFlight.wait()
                    group.cancelAll()  // a crash: nothing more is recorded
                    try? await group.waitForAll()
                }
                try store.close()
            }
            let store = try SQLiteWorkflowStore(path: path)
            defer { try? store.close() }
            let parked = try #require(try await store.snapshot(id: "o-1"))
            #expect(parked.inFlight?.step == "charge")
            let engine = try WorkflowEngine(
                definitions: [Self.definition(ledger) { c in ledger.record(c); return "P" }],
                store: store
            )
            let final = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await engine.run() }
                let final = try await engine.waitForCompletion(id: "o-1")
                engine.beginShutdown()
                try await group.waitForAll()
                return final
            }
            #expect(final.status == .completed)
            #expect(ledger.steps == ["reserve", "charge", "charge", "ship"])
            #expect(ledger.keys.filter { $0 == "o-1/charge" }.count == 2)
            let history = try await store.history(id: "o-1")
            #expect(try WorkflowStateMachine.replay(history, definition: Self.definition(ledger) { _ in .null }) == final)
            #expect(try await store.integrityCheck() == "ok")
        }
    }

    /// A step runs while the commit carrying its StepStarted is made durable (their latencies
    /// overlap; a crash before that commit runs the step again under the same idempotency key).
    /// Its outcome is recorded only after that commit, in the next one.
    @Test("a step runs once everything before its own start's commit is durable; its outcome shares the next commit")
    func commitsPerSaga() async throws {
        try await withTemporaryDirectory { (dir: String) async throws in
            let store = try SQLiteWorkflowStore(path: dir + "/baton.sqlite")
            defer { try? store.close() }
            let storedWhenRun = Mutex<[String: [String]]>([:])
            let step: StepAction = { context in
                // What a crash at this instant would leave: the stored history.
                let stored = try await store.history(id: context.workflowID).map(\.name)
                storedWhenRun.withLock { $0[context.isCompensation ? "undo:\(context.stepName)" : context.stepName] = stored }
                if context.stepName == "refuse" { throw StepError(.failedPrecondition, "refused") }
                return .null
            }
            let definition = WorkflowDefinition("commits", configuration: .defaults { $0.retry = .none }) {
                StepDefinition.call("a", action: step, compensate: step)
                StepDefinition.call("b", action: step)
                StepDefinition.call("refuse", action: step)
            }
            let engine = try WorkflowEngine(definitions: [definition], store: store)
            let before = store.groupCommitStatistics.writes
            let final = try await withRunningEngine(engine) { engine in
                try await engine.start(type: "commits", id: "w")
                return try await engine.waitForCompletion(id: "w")
            }
            #expect(final.status == .compensated)
            let history = try await store.history(id: "w").map(\.name)
            #expect(history == [
                "WorkflowCreated", "WorkflowStarted", "StepStarted", "StepCompleted", "StepStarted", "StepCompleted", "StepStarted",
                "StepFailed", "CompensationStarted", "CompensationStepStarted", "CompensationStepCompleted", "WorkflowCompensated",
            ])
            let seen = storedWhenRun.withLock { $0 }
            // Step a starts in the create, which start() waits for.
            #expect(seen["a"] == Array(history.prefix(3)))
            // Each later attempt sees at least every earlier commit, and at most its own.
            #expect([Array(history.prefix(3)), Array(history.prefix(5))].contains(seen["b"] ?? []))
            #expect([Array(history.prefix(5)), Array(history.prefix(7))].contains(seen["refuse"] ?? []))
            #expect([Array(history.prefix(7)), Array(history.prefix(10))].contains(seen["undo:a"] ?? []))
            // The create, which carries step a's start; one commit before each of the other 3
            // runs; then the end: 5 writes for 12 events.
            #expect(store.groupCommitStatistics.writes - before == 5)
        }
    }

    @Test("many concurrent sagas complete or compensate on one file, with batched commits")
    func manyWorkflows() async throws {
        try await withTemporaryDirectory { (dir: String) async throws in
            let store = try SQLiteWorkflowStore(path: dir + "/baton.sqlite")
            defer { try? store.close() }
            let ledger = Ledger()
            let engine = try WorkflowEngine(
                definitions: [Self.definition(ledger) { c in
                    ledger.record(c)
                    if c.input["fail"] == true { throw StepError(.failedPrecondition, "card declined") }
                    return "P"
                }],
                store: store
            )
            let count = 100
            let finals = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await engine.run() }
                for i in 0..<count {
                    try await engine.start(type: "order", id: "o-\(i)", input: ["fail": .bool(i % 10 == 0)])
                }
                var finals: [WorkflowSnapshot] = []
                for i in 0..<count { finals.append(try await engine.waitForCompletion(id: "o-\(i)")) }
                engine.beginShutdown()
                try await group.waitForAll()
                return finals
            }
            #expect(finals.filter { $0.status == .completed }.count == 90)
            #expect(finals.filter { $0.status == .compensated }.count == 10)
            #expect(try await store.list(WorkflowQuery(status: .compensated, limit: 1000)).count == 10)
            let statistics = store.groupCommitStatistics
            #expect(statistics.transactions < statistics.writes)
            #expect(try await store.integrityCheck() == "ok")
        }
    }

    /// Records events in the order they reach it, taking its time over each workflow's first one:
    /// events published concurrently with it would overtake it.
    final class SlowFirstEventBus: WorkflowEventBus {
        let received = Mutex<[WorkflowEvent]>([])
        func publish(_ event: WorkflowEvent) async {
            if event.sequence == 1 { try? await Task.sleep(for: .milliseconds(20)) }
            received.withLock { $0.append(event) }
        }
    }

    /// The store launches a new instance's driver from its commit thread, after answering the
    /// start; the instance's mailbox is registered before the create, and its driver publishes
    /// the opening events. So a command sent once `start` returns always finds the instance, and
    /// each instance's events reach the bus in sequence, the opening ones first.
    @Test("a started workflow takes a command at once, and its events reach the bus in order, the opening ones first")
    func startThenCommand() async throws {
        try await withTemporaryDirectory { (dir: String) async throws in
            let store = try SQLiteWorkflowStore(path: dir + "/baton.sqlite")
            defer { try? store.close() }
            let bus = SlowFirstEventBus()
            let definition = WorkflowDefinition("quick", configuration: .defaults { $0.retry = .none }) {
                StepDefinition.call("a", action: { _ in .null })
                StepDefinition.call("b", action: { _ in .null })
                StepDefinition.call("c", action: { _ in .null })
            }
            let engine = try WorkflowEngine(definitions: [definition], store: store, eventBus: bus)
            let count = 64
            let paused = try await withRunningEngine(engine) { engine in
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    for i in 0..<count {
                        group.addTask {
                            let id = "q-\(i)"
                            try await engine.start(type: "quick", id: id)
                            do {
                                try await engine.pause(id: id)
                            } catch let error as WorkflowError where error.message.contains("is finished") {
                                return false  // it completed first: a legal answer
                            }
                            try await engine.resume(id: id)
                            return true
                        }
                    }
                    var paused = 0
                    for try await didPause in group where didPause { paused += 1 }
                    for i in 0..<count {
                        #expect(try await engine.waitForCompletion(id: "q-\(i)").status == .completed)
                    }
                    return paused
                }
            }
            #expect(paused > 0)
            let received = bus.received.withLock { $0 }
            let sequences = Dictionary(grouping: received, by: \.workflowID).mapValues { $0.map(\.sequence) }
            #expect(sequences.count == count)
            for (id, published) in sequences {
                let stored = try await store.history(id: id).map(\.sequence)
                #expect(published == stored, "events of \(id) published as \(published), stored as \(stored)")
            }
        }
    }
}
