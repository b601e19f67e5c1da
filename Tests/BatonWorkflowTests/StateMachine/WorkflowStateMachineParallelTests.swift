import Testing

@testable import BatonWorkflow

@Suite("WorkflowStateMachine parallel groups")
struct WorkflowStateMachineParallelTests {
    typealias Harness = WorkflowStateMachineTests.Harness
    static let t0 = WorkflowStateMachineTests.t0
    static func noop() -> StepAction { { _ in .null } }

    static func definition(retry: RetryPolicy = .none) -> WorkflowDefinition {
        WorkflowDefinition("fanout", configuration: .defaults { $0.retry = retry }) {
            StepDefinition.call("order", action: noop(), compensate: noop())
            StepDefinition.parallel("prepare") {
                StepDefinition.call("inventory", action: noop(), compensate: noop())
                StepDefinition.call("payment", action: noop(), compensate: noop())
                StepDefinition.call("notify", action: noop())
            }
            StepDefinition.call("ship", action: noop())
        }
    }

    /// Starts the due branches and returns their invocations.
    static func startBranches(_ h: inout Harness) throws -> [WorkflowStateMachine.StepInvocation] {
        let action = try h.runUntilBlocked()
        guard case .executeParallel(let invocations) = action else {
            throw WorkflowError(code: .invalidArgument, message: "expected executeParallel, got \(action)")
        }
        for invocation in invocations where !invocation.isRestart {
            try h.record(.stepStarted(step: invocation.step, attempt: invocation.attempt))
        }
        return invocations
    }

    static func finish(_ h: inout Harness, _ invocation: WorkflowStateMachine.StepInvocation, _ result: Result<WorkflowValue, StepError>) throws {
        try h.record(h.machine.outcomeEvent(for: invocation, result: result, now: h.now))
    }

    @Test("branches start together, finish in any order, and the group then completes")
    func allSucceed() throws {
        var h = Harness(Self.definition())
        try h.step(.success(.null))
        let branches = try Self.startBranches(&h)
        #expect(branches.map(\.step) == ["inventory", "payment", "notify"])
        #expect(branches.map(\.idempotencyKey) == ["wf-1/inventory", "wf-1/payment", "wf-1/notify"])
        #expect(h.machine.snapshot.branchesInFlight.count == 3)
        // The workflow cannot complete or start another step while branches are in flight.
        #expect(throws: WorkflowError.self) { try h.record(.stepStarted(step: "ship", attempt: 1)) }
        try Self.finish(&h, branches[2], .success("N"))
        try Self.finish(&h, branches[0], .success("I"))
        #expect(h.machine.snapshot.cursorStep == "prepare")
        try Self.finish(&h, branches[1], .success("P"))
        #expect(h.machine.snapshot.outputs["prepare"] == ["inventory": "I", "payment": "P", "notify": "N"])
        #expect(h.machine.snapshot.compensationStack == ["order", "inventory", "payment"])
        #expect(try h.step(.success(.null)).step == "ship")
        #expect(try h.runUntilBlocked() == .finished)
        #expect(h.machine.snapshot.status == .completed)
        #expect(try WorkflowStateMachine.replay(h.events, definition: Self.definition()) == h.machine.snapshot)
    }

    @Test("a failed branch fails the group once the others finish; completed branches are compensated LIFO")
    func branchFails() throws {
        var h = Harness(Self.definition())
        try h.step(.success(.null))
        let branches = try Self.startBranches(&h)
        try Self.finish(&h, branches[1], .failure(StepError(.failedPrecondition, "declined")))
        #expect(h.machine.snapshot.status == .running)  // inventory and notify still in flight
        try Self.finish(&h, branches[0], .success(.null))
        try Self.finish(&h, branches[2], .success(.null))
        #expect(h.machine.snapshot.status == .failed)
        #expect(h.machine.snapshot.failedStep == "payment")
        let undoInventory = try h.step(.success(.null))
        let undoOrder = try h.step(.success(.null))
        #expect([undoInventory.step, undoOrder.step] == ["inventory", "order"])
        _ = try h.runUntilBlocked()
        #expect(h.machine.snapshot.status == .compensated)
        #expect(try WorkflowStateMachine.replay(h.events, definition: Self.definition()) == h.machine.snapshot)
    }

    @Test("a branch retries on its own schedule")
    func branchRetry() throws {
        var h = Harness(Self.definition(retry: RetryPolicy(maxAttempts: 2, backoff: .fixed(.seconds(1)))))
        try h.step(.success(.null))
        let branches = try Self.startBranches(&h)
        try Self.finish(&h, branches[0], .success(.null))
        try Self.finish(&h, branches[1], .failure(StepError(.unavailable)))
        try Self.finish(&h, branches[2], .success(.null))
        #expect(try h.runUntilBlocked() == .sleep(until: Self.t0.advanced(by: .seconds(1))))
        h.now = Self.t0.advanced(by: .seconds(1))
        let retry = try Self.startBranches(&h)
        #expect(retry.map(\.step) == ["payment"])
        #expect(retry[0].attempt == 2 && retry[0].idempotencyKey == "wf-1/payment")
        try Self.finish(&h, retry[0], .success(.null))
        #expect(h.machine.snapshot.cursorStep == "ship")
    }

    @Test("after a restart, the branches in flight run again with their keys")
    func restart() throws {
        var h = Harness(Self.definition())
        try h.step(.success(.null))
        let branches = try Self.startBranches(&h)
        try Self.finish(&h, branches[0], .success(.null))
        let restored = WorkflowStateMachine(definition: Self.definition(), snapshot: h.machine.snapshot)
        guard case .executeParallel(let again) = restored.nextAction(now: h.now) else {
            Issue.record("expected the in-flight branches again")
            return
        }
        #expect(again.map(\.step) == ["payment", "notify"])
        #expect(again.allSatisfy { $0.isRestart })
        #expect(again.map(\.idempotencyKey) == ["wf-1/payment", "wf-1/notify"])
    }

    @Test("parallel groups must contain call steps")
    func validation() {
        let empty = WorkflowDefinition("x") { StepDefinition.parallel("p") {} }
        #expect(throws: WorkflowError.self) { try empty.validate() }
        let nested = WorkflowDefinition("x") {
            StepDefinition.parallel("p") { StepDefinition.timer("t", .seconds(1)) }
        }
        #expect(throws: WorkflowError.self) { try nested.validate() }
    }
}
