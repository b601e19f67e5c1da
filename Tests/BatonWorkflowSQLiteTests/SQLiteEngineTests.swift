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
}
