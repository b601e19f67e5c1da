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
    /// The instance's state, including the events not yet durable.
    var machine: WorkflowStateMachine
    let mailbox: WorkflowMailbox
    /// The input as the typed steps decode it, once for this loaded instance.
    private let decodedInput = DecodedInput()
    var shutdownSeen = false
    /// Events applied to `machine` since the last commit, in order (see ``flush()``).
    private var unsaved: [WorkflowEvent] = []
    /// The stored version: the commit of `unsaved` is fenced on it.
    private var storedVersion: Int64

    private var id: String { machine.snapshot.id }
    private var clock: any WorkflowClock { engine.clock }

    init(engine: WorkflowEngine, machine: WorkflowStateMachine, mailbox: WorkflowMailbox) {
        self.engine = engine
        self.machine = machine
        self.mailbox = mailbox
        self.storedVersion = machine.snapshot.version
    }

    mutating func run() async -> Outcome {
        do {
            while true {
                // A cancelled task is a hard stop (like a crash): record nothing more.
                if Task.isCancelled { return .stopped }
                try await processMail()
                if shutdownSeen {
                    try await flush()
                    return .stopped
                }
                switch machine.nextAction(now: clock.now()) {
                case .finished:
                    try await flush()
                    return .stopped
                case .record(let kind):
                    try record(kind)
                case .execute(let invocation):
                    try await runBatch([invocation])
                    if Task.isCancelled { return .stopped }
                case .executeParallel(let invocations):
                    try await runBatch(invocations)
                    if Task.isCancelled { return .stopped }
                case .sleep(let until):
                    try await flush()
                    if await waitOrPark(until: until) { return .parked }
                }
            }
        } catch let error as WorkflowError where error.code == .conflict {
            // Fenced: another replica claimed the instance (this one's lease expired). Its
            // state here is stale; nothing of it was stored.
            engine.logger.warning(
                "another owner drives this workflow now; this engine stops driving it",
                metadata: ["workflow.id": "\(id)", "error": "\(error)"]
            )
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

    /// Applies an event. It becomes durable, and is published, with the next ``flush()``.
    mutating func record(_ kind: WorkflowEvent.Kind) throws {
        unsaved.append(try machine.record(kind, at: clock.now()))
    }

    /// Commits the recorded events in one fenced write, then publishes them.
    ///
    /// The driver flushes before anything outside it can depend on its state: while the steps
    /// it starts run (every event up to their `StepStarted` is durable before any outcome of
    /// theirs is recorded or acted on), before it waits or parks, before it answers a command,
    /// and when the instance finishes or the engine shuts down. A step's outcome thus shares the
    /// commit of what follows it (the next step's start, the workflow's end) instead of taking
    /// one of its own, and a step does not wait for its start's commit to begin. A crash before
    /// either commit loses only what it held: the step runs again with the same idempotency key
    /// (workflow id, step, visit; not the attempt), exactly as after a crash during the step.
    mutating func flush() async throws {
        guard !unsaved.isEmpty else { return }
        let events = unsaved
        try await engine.store.commit(
            WorkflowCommit(workflowID: id, expectedVersion: storedVersion, owner: engine.configuration.owner, events: events, snapshot: machine.snapshot)
        )
        unsaved.removeAll(keepingCapacity: true)
        storedVersion = machine.snapshot.version
        for event in events {
            await engine.eventBus.publish(event)
            engine.log(event, of: machine.snapshot)
        }
        engine.didRecord(machine.snapshot)
    }

    /// Applies pending commands and makes them durable together; each is then answered. A command
    /// the state machine refuses is answered with its error at once.
    mutating func processMail() async throws {
        let (letters, shutdown) = mailbox.drain()
        if shutdown { shutdownSeen = true }
        guard !letters.isEmpty else { return }
        var accepted: [(letter: WorkflowMailbox.Letter, answer: WorkflowMailbox.Reply)] = []
        for letter in letters {
            do {
                try record(try machine.commandEvent(letter.command))
                accepted.append((letter, .init(snapshot: machine.snapshot, compensations: machine.pendingCompensations)))
            } catch {
                letter.reply.resume(throwing: error)
            }
        }
        do {
            try await flush()
        } catch {
            for (letter, _) in accepted { letter.reply.resume(throwing: error) }
            throw error
        }
        for (letter, answer) in accepted { letter.reply.resume(returning: answer) }
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
                        let realTime = SystemWorkflowClock()
                        try await realTime.sleep(until: realTime.now().advanced(by: parkAfter))
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

    /// Records the start of each attempt, runs them concurrently while still answering commands
    /// (pause, cancel, signal) as they arrive, and records each outcome as soon as it is known.
    /// The start is committed while the attempts run (a step's latency and its start's fsync
    /// overlap); outcomes are recorded only after that commit. The attempts hand their outcomes
    /// to the mailbox, so one wait serves outcomes and commands.
    /// After a hard stop (task cancellation) no outcome is recorded: the attempts stay in flight
    /// and run again, with the same idempotency keys, after recovery.
    mutating func runBatch(_ invocations: [WorkflowStateMachine.StepInvocation]) async throws {
        for invocation in invocations where !invocation.isRestart {
            try record(invocation.startedEvent)
        }
        let snapshot = machine.snapshot
        let clock = self.clock
        let mailbox = self.mailbox
        _ = mailbox.takeOutcomes()  // none is pending between batches; this keeps it so
        try await withThrowingTaskGroup(of: Void.self) { group in
            var pending = 0
            for (index, invocation) in invocations.enumerated() {
                guard let step = machine.definition.step(named: invocation.step), case .call(let action, let compensation) = step.kind,
                    let body = invocation.isCompensation ? compensation : action
                else {
                    try record(machine.outcomeEvent(
                        for: invocation,
                        result: .failure(StepError(.internalError, "step '\(invocation.step)' has nothing to run")),
                        now: clock.now()
                    ))
                    continue
                }
                let deadline = invocation.deadline
                var context = StepContext(
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
                    metadata: snapshot.metadata ?? [:],
                    timeRemaining: deadline.map { max(.zero, clock.now().duration(to: $0)) }
                )
                context.decodedInput = decodedInput
                pending += 1
                group.addTask { mailbox.deliver((index, await Self.attempt(body, context: context, deadline: deadline, clock: clock))) }
            }
            // The attempts' start becomes durable while they run; their outcomes wait for it.
            try await flush()
            while pending > 0 {
                await mailbox.waitForOutcomesOrMail(!shutdownSeen)
                // A hard stop records nothing more; leaving the group waits for the attempts.
                if Task.isCancelled { return }
                for (index, result) in mailbox.takeOutcomes() {
                    pending -= 1
                    // Shutting down: an attempt cut short stays in flight and runs again after restart.
                    if mailbox.isShutdown, case .failure(let error) = result, error.code == .cancelled { continue }
                    try record(machine.outcomeEvent(for: invocations[index], result: result, now: clock.now()))
                }
                if !shutdownSeen { try await processMail() }
            }
        }
    }

    /// One attempt raced against its deadline.
    static func attempt(
        _ body: @escaping StepAction,
        context: StepContext,
        deadline: WorkflowInstant?,
        clock: any WorkflowClock
    ) async -> Result<WorkflowValue, StepError> {
        @Sendable func run() async -> Result<WorkflowValue, StepError> {
            do {
                return .success(try await StepContext.$current.withValue(context) { try await body(context) })
            } catch {
                return .failure(StepError(classifying: error))
            }
        }
        // Without a deadline there is nothing to race: the attempt runs in the caller's task.
        guard let deadline else { return await run() }
        return await withTaskGroup(of: Result<WorkflowValue, StepError>?.self) { group in
            group.addTask { await run() }
            group.addTask {
                do {
                    try await clock.sleep(until: deadline)
                    return .failure(StepError(.deadlineExceeded, "step '\(context.stepName)' timed out"))
                } catch {
                    return nil
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
