import Testing

@testable import BatonWorkflow

/// The state machine alone: events in, actions out, no I/O.
@Suite("WorkflowStateMachine")
struct WorkflowStateMachineTests {
    static let t0 = WorkflowInstant(nanosecondsSinceEpoch: 1_000_000_000_000)

    static func noop() -> StepAction { { _ in .null } }

    static func saga(retry: RetryPolicy = .none, timeout: Duration? = nil) -> WorkflowDefinition {
        WorkflowDefinition("saga", version: 1, configuration: .defaults { $0.retry = retry; $0.timeout = timeout }) {
            StepDefinition.call("a", action: noop(), compensate: noop())
            StepDefinition.call("b", action: noop(), compensate: noop())
            StepDefinition.call("c", action: noop())
        }
    }

    /// Drives a machine the way the executor does, with scripted step outcomes.
    struct Harness {
        var machine: WorkflowStateMachine
        var events: [WorkflowEvent]
        var now: WorkflowInstant

        init(_ definition: WorkflowDefinition, id: String = "wf-1", input: WorkflowValue = .null) {
            let (machine, event) = WorkflowStateMachine.create(definition: definition, id: id, input: input, correlationID: "corr", now: t0)
            self.machine = machine
            self.events = [event]
            self.now = t0
        }

        mutating func record(_ kind: WorkflowEvent.Kind) throws {
            events.append(try machine.record(kind, at: now))
        }

        /// Runs until the machine needs a step outcome, sleeps, or finishes.
        mutating func runUntilBlocked() throws -> WorkflowStateMachine.Action {
            while true {
                let action = machine.nextAction(now: now)
                guard case .record(let kind) = action else { return action }
                try record(kind)
            }
        }

        /// Executes the next step invocation with the given outcome.
        @discardableResult
        mutating func step(_ result: Result<WorkflowValue, StepError>) throws -> WorkflowStateMachine.StepInvocation {
            let action = try runUntilBlocked()
            guard case .execute(let invocation) = action else {
                throw WorkflowError(code: .invalidArgument, message: "expected execute, got \(action)")
            }
            if !invocation.isRestart { try record(invocation.startedEvent) }
            try record(machine.outcomeEvent(for: invocation, result: result, now: now))
            return invocation
        }
    }

    @Test("a new instance's opening records its start and its first step's; that step then runs as a restart, under the same key")
    func opening() throws {
        var h = Harness(Self.saga())
        let opening = try h.machine.recordOpening(now: h.now)
        #expect(opening.map(\.name) == ["WorkflowStarted", "StepStarted"])
        #expect(h.machine.snapshot.status == .running)
        #expect(h.machine.nextAction(now: h.now) == .execute(.init(
            step: "a", attempt: 1, isCompensation: false, idempotencyKey: "wf-1/a", deadline: nil, isRestart: true
        )))
        #expect(try WorkflowStateMachine.replay(h.events + opening, definition: Self.saga()) == h.machine.snapshot)
    }

    @Test("an opening starts every branch of a leading parallel group, and stops before anything that is not a step attempt")
    func openingStops() throws {
        let parallel = WorkflowDefinition("fan-out", version: 1) {
            StepDefinition.parallel("both") {
                StepDefinition.call("left", action: Self.noop())
                StepDefinition.call("right", action: Self.noop())
            }
        }
        var fanOut = Harness(parallel)
        let branches = try fanOut.machine.recordOpening(now: fanOut.now)
        #expect(branches.map(\.name).first == "WorkflowStarted")
        #expect(branches.map(\.kind).filter { if case .stepStarted = $0 { true } else { false } }.count == 2)

        let waiting = WorkflowDefinition("waits", version: 1) {
            StepDefinition.waitForSignal("approval", signal: "approved")
            StepDefinition.call("a", action: Self.noop())
        }
        var wait = Harness(waiting)
        #expect(try wait.machine.recordOpening(now: wait.now).map(\.name) == ["WorkflowStarted"])

        var started = Harness(Self.saga())
        _ = try started.machine.recordOpening(now: started.now)
        #expect(try started.machine.recordOpening(now: started.now).isEmpty)  // only a new instance opens
    }

    @Test("a saga whose steps all succeed completes and records each transition")
    func happyPath() throws {
        var h = Harness(Self.saga())
        #expect(h.machine.snapshot.status == .created)
        let a = try h.step(.success("A"))
        #expect(a.step == "a" && a.attempt == 1 && a.idempotencyKey == "wf-1/a")
        try h.step(.success("B"))
        try h.step(.success("C"))
        #expect(try h.runUntilBlocked() == .finished)
        let s = h.machine.snapshot
        #expect(s.status == .completed)
        #expect(s.isFinished)
        #expect(s.outputs == ["a": "A", "b": "B", "c": "C"])
        #expect(s.steps.map(\.status) == [.completed, .completed, .completed])
        #expect(s.compensationStack == ["a", "b"])
        #expect(h.events.map(\.name) == [
            "WorkflowCreated", "WorkflowStarted",
            "StepStarted", "StepCompleted", "StepStarted", "StepCompleted", "StepStarted", "StepCompleted",
            "WorkflowCompleted",
        ])
        #expect(s.version == Int64(h.events.count))
    }

    @Test("a failed step compensates completed steps in reverse order (LIFO)")
    func lifoCompensation() throws {
        var h = Harness(Self.saga())
        try h.step(.success("A"))
        try h.step(.success("B"))
        try h.step(.failure(StepError(.invalidArgument, "bad card")))
        #expect(h.machine.snapshot.status == .failed)
        #expect(try h.runUntilBlocked() == .execute(.init(step: "b", attempt: 1, isCompensation: true, idempotencyKey: "wf-1/b/compensate", deadline: nil, isRestart: false)))
        #expect(h.machine.snapshot.status == .compensating)
        let undoB = try h.step(.success(.null))
        let undoA = try h.step(.success(.null))
        #expect([undoB.step, undoA.step] == ["b", "a"])
        #expect(try h.runUntilBlocked() == .finished)
        let s = h.machine.snapshot
        #expect(s.status == .compensated)
        #expect(s.error?.code == .invalidArgument)
        #expect(s.failedStep == "c")
        #expect(s.steps.map(\.status) == [.compensated, .compensated, .failed])
        #expect(h.events.contains { $0.kind == .compensationStarted(steps: ["b", "a"]) })
    }

    @Test("a failure before anything completed ends FAILED without compensation")
    func failureWithNothingToUndo() throws {
        var h = Harness(Self.saga())
        try h.step(.failure(StepError(.failedPrecondition)))
        #expect(try h.runUntilBlocked() == .finished)
        #expect(h.machine.snapshot.status == .failed)
        #expect(h.machine.snapshot.isFinished)
        #expect(h.events.last?.name == "WorkflowFailed")
    }

    @Test("retryable failures schedule a retry with backoff; the key is stable across attempts")
    func retryScheduling() throws {
        var h = Harness(Self.saga(retry: RetryPolicy(maxAttempts: 3, backoff: .exponential(initial: .milliseconds(100)))))
        let first = try h.step(.failure(StepError(.unavailable)))
        #expect(h.machine.snapshot.retryAt == Self.t0.advanced(by: .milliseconds(100)))
        #expect(h.machine.snapshot.step("a")?.status == .retryScheduled)
        #expect(try h.runUntilBlocked() == .sleep(until: Self.t0.advanced(by: .milliseconds(100))))
        h.now = Self.t0.advanced(by: .milliseconds(100))
        let second = try h.step(.failure(StepError(.deadlineExceeded)))
        #expect(second.attempt == 2)
        #expect(second.idempotencyKey == first.idempotencyKey)
        #expect(h.machine.snapshot.retryAt == h.now.advanced(by: .milliseconds(200)))
        h.now = h.now.advanced(by: .milliseconds(200))
        try h.step(.failure(StepError(.unavailable)))
        // Three attempts used: the workflow fails.
        #expect(h.machine.snapshot.status == .failed)
        #expect(h.machine.snapshot.step("a")?.attempts == 3)
    }

    @Test("non-retryable codes are not retried")
    func nonRetryable() throws {
        var h = Harness(Self.saga(retry: RetryPolicy(maxAttempts: 5)))
        try h.step(.failure(StepError(.invalidArgument)))
        #expect(h.machine.snapshot.status == .failed)
        #expect(h.machine.snapshot.retryAt == nil)
    }

    @Test("illegal commands and events are rejected")
    func illegalTransitions() throws {
        var h = Harness(Self.saga())
        #expect(throws: WorkflowError.self) { try h.machine.commandEvent(.resume) }
        #expect(throws: WorkflowError.self) { try h.machine.commandEvent(.pause) }  // CREATED cannot pause
        #expect(throws: WorkflowError.self) { try h.record(.stepStarted(step: "a", attempt: 1)) }  // not started yet
        try h.record(.started)
        #expect(throws: WorkflowError.self) { try h.record(.started) }
        #expect(throws: WorkflowError.self) { try h.record(.stepStarted(step: "b", attempt: 1)) }  // not the current step
        #expect(throws: WorkflowError.self) { try h.record(.stepStarted(step: "a", attempt: 2)) }  // attempt out of order
        #expect(throws: WorkflowError.self) { try h.record(.completed) }  // steps remain
        #expect(throws: WorkflowError.self) { try h.record(.compensated) }
        #expect(throws: WorkflowError.self) { try h.record(.resumed) }
        try h.record(.stepStarted(step: "a", attempt: 1))
        #expect(throws: WorkflowError.self) { try h.record(.stepCompleted(step: "a", attempt: 2, output: .null)) }
        // Out-of-sequence event numbers are rejected.
        let stale = WorkflowEvent(workflowID: "wf-1", sequence: 1, timestamp: h.now, kind: .paused)
        #expect(throws: WorkflowError.self) { try h.machine.apply(stale) }
        let other = WorkflowEvent(workflowID: "wf-2", sequence: h.machine.snapshot.version + 1, timestamp: h.now, kind: .paused)
        #expect(throws: WorkflowError.self) { try h.machine.apply(other) }
    }

    @Test("a finished workflow accepts no further events or commands")
    func finishedIsFinal() throws {
        var h = Harness(Self.saga())
        try h.step(.success(.null))
        try h.step(.success(.null))
        try h.step(.success(.null))
        _ = try h.runUntilBlocked()
        for command in [WorkflowStateMachine.Command.pause, .resume, .cancel(reason: "x"), .signal(name: "s", payload: .null)] {
            #expect(throws: WorkflowError.self) { try h.machine.commandEvent(command) }
        }
        #expect(throws: WorkflowError.self) { try h.record(.cancelRequested(reason: "late")) }
        #expect(throws: WorkflowError.self) { try h.record(.signalReceived(name: "s", payload: .null)) }
    }

    @Test("pause stops new steps; resume continues; the in-flight step still records its result")
    func pauseResume() throws {
        var h = Harness(Self.saga())
        try h.record(.started)
        try h.record(.stepStarted(step: "a", attempt: 1))
        try h.record(try h.machine.commandEvent(.pause))
        try h.record(.stepCompleted(step: "a", attempt: 1, output: .null))
        #expect(h.machine.snapshot.status == .paused)
        #expect(try h.runUntilBlocked() == .sleep(until: nil))
        try h.record(try h.machine.commandEvent(.resume))
        let next = try h.step(.success(.null))
        #expect(next.step == "b")
    }

    @Test("cancel of a CREATED workflow ends CANCELLED; cancel later compensates")
    func cancel() throws {
        var created = Harness(Self.saga())
        try created.record(try created.machine.commandEvent(.cancel(reason: "customer")))
        #expect(try created.runUntilBlocked() == .finished)
        #expect(created.machine.snapshot.status == .cancelled)

        var running = Harness(Self.saga())
        try running.step(.success(.null))
        try running.record(.stepStarted(step: "b", attempt: 1))
        try running.record(try running.machine.commandEvent(.cancel(reason: "customer")))
        #expect(running.machine.pendingCompensations == ["b", "a"])
        // The in-flight step finishes; no further forward step runs; both are undone.
        try running.record(.stepCompleted(step: "b", attempt: 1, output: .null))
        #expect(running.machine.snapshot.status == .cancelling)
        try running.step(.success(.null))
        try running.step(.success(.null))
        #expect(try running.runUntilBlocked() == .finished)
        #expect(running.machine.snapshot.status == .compensated)
        #expect(running.machine.snapshot.cancelReason == "customer")
    }

    @Test("a compensation that keeps failing parks the workflow in COMPENSATION_FAILED")
    func compensationFailed() throws {
        let definition = WorkflowDefinition("s", configuration: .defaults { $0.retry = .none; $0.compensationRetry = RetryPolicy(maxAttempts: 2, backoff: .fixed(.seconds(1))) }) {
            StepDefinition.call("a", action: Self.noop(), compensate: Self.noop())
            StepDefinition.call("b", action: Self.noop())
        }
        var h = Harness(definition)
        try h.step(.success(.null))
        try h.step(.failure(StepError(.invalidArgument)))
        try h.step(.failure(StepError(.unavailable)))
        #expect(try h.runUntilBlocked() == .sleep(until: h.now.advanced(by: .seconds(1))))
        h.now = h.now.advanced(by: .seconds(1))
        try h.step(.failure(StepError(.unavailable, "still down")))
        #expect(try h.runUntilBlocked() == .finished)
        #expect(h.machine.snapshot.status == .compensationFailed)
        #expect(h.machine.snapshot.error?.message == "still down")
        #expect(h.machine.snapshot.failedStep == "a")
    }

    @Test("the workflow deadline times it out and starts compensation")
    func workflowTimeout() throws {
        var h = Harness(Self.saga(timeout: .seconds(30)))
        let a = try h.step(.success(.null))
        #expect(a.deadline == Self.t0.advanced(by: .seconds(30)))
        h.now = Self.t0.advanced(by: .seconds(31))
        #expect(try h.runUntilBlocked() == .execute(.init(step: "a", attempt: 1, isCompensation: true, idempotencyKey: "wf-1/a/compensate", deadline: nil, isRestart: false)))
        #expect(h.events.contains { $0.kind == .timedOut })
        try h.step(.success(.null))
        _ = try h.runUntilBlocked()
        #expect(h.machine.snapshot.status == .compensated)
    }

    @Test("a signal that arrives before its wait is kept and consumed by the wait")
    func earlySignal() throws {
        let definition = WorkflowDefinition("kyc") {
            StepDefinition.call("create", action: Self.noop())
            StepDefinition.waitForSignal("await-kyc", signal: "KycCompleted", timeout: .seconds(60))
            StepDefinition.call("activate", action: Self.noop())
        }
        var h = Harness(definition)
        try h.record(.started)
        try h.record(try h.machine.commandEvent(.signal(name: "KycCompleted", payload: ["ok": true])))
        try h.step(.success(.null))
        let next = try h.step(.success(.null))
        #expect(next.step == "activate")
        #expect(h.machine.snapshot.outputs["await-kyc"] == ["ok": true])
        #expect(h.machine.snapshot.pendingSignals.isEmpty)
    }

    @Test("a wait without its signal times out and fails the workflow")
    func waitTimeout() throws {
        let definition = WorkflowDefinition("kyc") {
            StepDefinition.call("create", action: Self.noop(), compensate: Self.noop())
            StepDefinition.waitForSignal("await-kyc", signal: "KycCompleted", timeout: .seconds(60))
        }
        var h = Harness(definition)
        try h.step(.success(.null))
        #expect(try h.runUntilBlocked() == .sleep(until: Self.t0.advanced(by: .seconds(60))))
        h.now = Self.t0.advanced(by: .seconds(60))
        let undo = try h.step(.success(.null))
        #expect(undo.isCompensation && undo.step == "create")
        #expect(h.machine.snapshot.step("await-kyc")?.error?.code == .deadlineExceeded)
    }

    @Test("a timer step completes when its time has come")
    func timer() throws {
        let definition = WorkflowDefinition("t") {
            StepDefinition.timer("cool-off", .seconds(5))
            StepDefinition.call("after", action: Self.noop())
        }
        var h = Harness(definition)
        #expect(try h.runUntilBlocked() == .sleep(until: Self.t0.advanced(by: .seconds(5))))
        h.now = Self.t0.advanced(by: .seconds(5))
        #expect(try h.step(.success(.null)).step == "after")
    }

    @Test("a decision jumps, loops with a fresh idempotency key per visit, or completes")
    func decisions() throws {
        let definition = WorkflowDefinition("d") {
            StepDefinition.call("poll", action: Self.noop())
            StepDefinition.decision("done?") { context in
                context.outputs["poll"] == "ready" ? .next : .goto("poll")
            }
            StepDefinition.decision("skip-rest") { _ in .complete }
            StepDefinition.call("never", action: Self.noop())
        }
        var h = Harness(definition)
        let first = try h.step(.success("pending"))
        let second = try h.step(.success("ready"))
        #expect(first.idempotencyKey == "wf-1/poll")
        #expect(second.idempotencyKey == "wf-1/poll#2")
        #expect(try h.runUntilBlocked() == .finished)
        #expect(h.machine.snapshot.status == .completed)
        #expect(h.machine.snapshot.step("never")?.status == .pending)
        #expect(h.events.contains { $0.kind == .decisionTaken(step: "done?", target: "poll", complete: false) })
    }

    @Test("replaying the history rebuilds the same snapshot")
    func replay() throws {
        var h = Harness(Self.saga(retry: RetryPolicy(maxAttempts: 2, backoff: .fixed(.seconds(1), jitter: 0.5))), input: ["order": 42])
        try h.step(.success("A"))
        try h.step(.failure(StepError(.unavailable)))
        h.now = h.now.advanced(by: .seconds(2))
        try h.step(.success("B"))
        try h.step(.failure(StepError(.invalidArgument)))
        _ = try h.runUntilBlocked()
        try h.step(.success(.null))
        try h.step(.success(.null))
        _ = try h.runUntilBlocked()
        let replayed = try WorkflowStateMachine.replay(h.events, definition: Self.saga())
        #expect(replayed == h.machine.snapshot)
        #expect(replayed.status == .compensated)
    }

    @Test("after a restart the in-flight attempt runs again with the same attempt and key")
    func restartReRunsInFlight() throws {
        var h = Harness(Self.saga())
        try h.record(.started)
        try h.record(.stepStarted(step: "a", attempt: 1))
        let restored = WorkflowStateMachine(definition: Self.saga(), snapshot: h.machine.snapshot)
        #expect(restored.nextAction(now: h.now) == .execute(.init(step: "a", attempt: 1, isCompensation: false, idempotencyKey: "wf-1/a", deadline: nil, isRestart: true)))
    }
}
