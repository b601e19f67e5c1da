import Logging

/// Drives one workflow instance: asks the state machine what to do, does it, records the outcome.
/// One driver per loaded instance, owned by the engine's task group. An instance that only waits
/// (a signal, a timer, a long backoff, a pause) is parked: its driver ends and the engine keeps
/// just its id and wake-up instant until a command or the timer service loads it again.
struct WorkflowDriver {
    /// Why ``run()`` returned.
    enum Outcome: Sendable {
        /// Finished, shut down, or stopped by an error: the engine forgets the instance.
        case stopped
        /// Parked with the engine (see `WorkflowEngine.park`): it owns the instance now.
        case parked
    }

    let engine: WorkflowEngine
    var machine: WorkflowStateMachine
    let mailbox: WorkflowMailbox
    var shutdownSeen = false

    private var id: String { machine.snapshot.id }
    private var clock: any WorkflowClock { engine.clock }

    init(engine: WorkflowEngine, machine: WorkflowStateMachine, mailbox: WorkflowMailbox) {
        self.engine = engine
        self.machine = machine
        self.mailbox = mailbox
    }

    mutating func run() async -> Outcome {
        do {
            while true {
                // A cancelled task is a hard stop (like a crash): record nothing more.
                if Task.isCancelled { return .stopped }
                try await processMail()
                if shutdownSeen { return .stopped }
                switch machine.nextAction(now: clock.now()) {
                case .finished:
                    return .stopped
                case .record(let kind):
                    try await record(kind)
                case .execute(let invocation):
                    try await runBatch([invocation])
                    if Task.isCancelled { return .stopped }
                case .executeParallel(let invocations):
                    try await runBatch(invocations)
                    if Task.isCancelled { return .stopped }
                case .sleep(let until):
                    if await waitOrPark(until: until) { return .parked }
                }
            }
        } catch {
            engine.logger.error(
                "workflow driver stopped; the instance stays parked until it is recovered",
                metadata: ["workflow.id": "\(id)", "error": "\(error)"]
            )
        }
        return .stopped
    }

    /// Waits with nothing in flight. A wait for a command alone parks at once; a timed wait parks
    /// once it has lasted the engine's `parkAfter` (shorter waits, e.g. retry backoffs, stay
    /// loaded, and so keep their own sleeper on the clock). Returns true when parked.
    func waitOrPark(until: WorkflowInstant?) async -> Bool {
        if until == nil, engine.park(id, mailbox: mailbox, until: nil) { return true }
        let grace = until == nil ? nil : engine.configuration.parkAfter
        if await wait(until: until, parkAfter: grace) == .park {
            return engine.park(id, mailbox: mailbox, until: until)
        }
        return false
    }

    /// Persists an event, then applies it and publishes it.
    mutating func record(_ kind: WorkflowEvent.Kind) async throws {
        let event = WorkflowEvent(workflowID: id, sequence: machine.snapshot.version + 1, timestamp: clock.now(), kind: kind)
        var next = machine
        try next.apply(event)
        try await engine.store.commit(
            WorkflowCommit(
                workflowID: id,
                expectedVersion: machine.snapshot.version,
                owner: engine.configuration.owner,
                events: [event],
                snapshot: next.snapshot
            )
        )
        machine = next
        await engine.eventBus.publish(event)
        engine.log(event, of: next.snapshot)
        engine.didRecord(next.snapshot)
    }

    /// Applies pending commands; each is answered once its event is durable.
    mutating func processMail() async throws {
        let (letters, shutdown) = mailbox.drain()
        if shutdown { shutdownSeen = true }
        for letter in letters {
            do {
                let kind = try machine.commandEvent(letter.command)
                try await record(kind)
                letter.reply.resume(returning: .init(snapshot: machine.snapshot, compensations: machine.pendingCompensations))
            } catch let error as WorkflowError {
                letter.reply.resume(throwing: error)
            } catch {
                letter.reply.resume(throwing: error)
                throw error
            }
        }
    }

    private enum WaitEnd: Sendable {
        case mailOrTime
        case park
    }

    /// Sleeps until `until`, until a command arrives, or (`.park`) until `parkAfter` of real
    /// time has passed.
    private func wait(until: WorkflowInstant?, parkAfter: Duration?) async -> WaitEnd {
        let clock = self.clock
        let mailbox = self.mailbox
        return await withTaskGroup(of: WaitEnd?.self) { group in
            group.addTask {
                await mailbox.waitForMail()
                return .mailOrTime
            }
            if let until {
                group.addTask {
                    try? await clock.sleep(until: until)
                    return .mailOrTime
                }
            }
            if let parkAfter {
                group.addTask {
                    do {
                        try await Task.sleep(for: parkAfter)
                        return .park
                    } catch {
                        return nil
                    }
                }
            }
            let end = await group.next() ?? .mailOrTime
            group.cancelAll()
            return end ?? .mailOrTime
        }
    }

    private enum Wake: Sendable {
        case result(Int, Result<WorkflowValue, StepError>)
        case mail
    }

    /// Records the start of each attempt, runs them concurrently while still answering commands
    /// (pause, cancel, signal) as they arrive, and records each outcome as soon as it is known.
    /// After a hard stop (task cancellation) no outcome is recorded: the attempts stay in flight
    /// and run again, with the same idempotency keys, after recovery.
    mutating func runBatch(_ invocations: [WorkflowStateMachine.StepInvocation]) async throws {
        for invocation in invocations where !invocation.isRestart {
            try await record(
                invocation.isCompensation
                    ? .compensationStepStarted(step: invocation.step, attempt: invocation.attempt)
                    : .stepStarted(step: invocation.step, attempt: invocation.attempt)
            )
        }
        let snapshot = machine.snapshot
        let clock = self.clock
        let mailbox = self.mailbox
        try await withThrowingTaskGroup(of: Wake.self) { group in
            var pending = 0
            for (index, invocation) in invocations.enumerated() {
                guard let step = machine.definition.step(named: invocation.step), case .call(let action, let compensation) = step.kind,
                    let body = invocation.isCompensation ? compensation : action
                else {
                    try await record(machine.outcomeEvent(
                        for: invocation,
                        result: .failure(StepError(.internalError, "step '\(invocation.step)' has nothing to run")),
                        now: clock.now()
                    ))
                    continue
                }
                let deadline = invocation.deadline
                let context = StepContext(
                    workflowID: snapshot.id,
                    workflowType: snapshot.type,
                    stepName: invocation.step,
                    attempt: invocation.attempt,
                    idempotencyKey: invocation.idempotencyKey,
                    isCompensation: invocation.isCompensation,
                    input: snapshot.input,
                    outputs: snapshot.outputs,
                    childWorkflows: engine,
                    correlationID: snapshot.correlationID,
                    timeRemaining: deadline.map { max(.zero, clock.now().duration(to: $0)) }
                )
                pending += 1
                group.addTask { .result(index, await Self.attempt(body, context: context, deadline: deadline, clock: clock)) }
            }
            guard pending > 0 else { return }
            var listening = !shutdownSeen
            if listening {
                group.addTask {
                    await mailbox.waitForMail()
                    return .mail
                }
            }
            while pending > 0, let wake = try await group.next() {
                switch wake {
                case .result(let index, let result):
                    pending -= 1
                    if Task.isCancelled { continue }
                    // Shutting down: an attempt cut short stays in flight and runs again after restart.
                    if mailbox.isShutdown, case .failure(let error) = result, error.code == .cancelled { continue }
                    try await record(machine.outcomeEvent(for: invocations[index], result: result, now: clock.now()))
                case .mail:
                    listening = false
                    try await processMail()
                    if !shutdownSeen {
                        listening = true
                        group.addTask {
                            await mailbox.waitForMail()
                            return .mail
                        }
                    }
                }
            }
            if listening { group.cancelAll() }
        }
    }

    /// One attempt raced against its deadline.
    static func attempt(
        _ body: @escaping StepAction,
        context: StepContext,
        deadline: WorkflowInstant?,
        clock: any WorkflowClock
    ) async -> Result<WorkflowValue, StepError> {
        await withTaskGroup(of: Result<WorkflowValue, StepError>?.self) { group in
            group.addTask {
                do {
                    return .success(try await StepContext.$current.withValue(context) { try await body(context) })
                } catch {
                    return .failure(StepError(classifying: error))
                }
            }
            if let deadline {
                group.addTask {
                    do {
                        try await clock.sleep(until: deadline)
                        return .failure(StepError(.deadlineExceeded, "step '\(context.stepName)' timed out"))
                    } catch {
                        return nil
                    }
                }
            }
            while let next = await group.next() {
                if let next {
                    group.cancelAll()
                    return next
                }
            }
            return .failure(StepError(.cancelled, "step '\(context.stepName)' was cancelled"))
        }
    }
}
