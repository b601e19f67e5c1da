extension WorkflowStateMachine {
    /// What the executor should do next, given the time now. Pure: it only reads the snapshot
    /// and the definition (a decision step's condition is evaluated here, and its choice is then
    /// recorded so that a replay never evaluates it again).
    public func nextAction(now: WorkflowInstant) -> Action {
        let s = snapshot
        if s.isFinished { return .finished }
        if let inFlight = s.inFlight {
            return .execute(invocation(step: inFlight.step, attempt: inFlight.attempt, isCompensation: inFlight.isCompensation, now: now, isRestart: true))
        }
        if !s.branchesInFlight.isEmpty {
            return .executeParallel(s.branchesInFlight.map {
                invocation(step: $0.step, attempt: $0.attempt, isCompensation: false, now: now, isRestart: true)
            })
        }
        switch s.status {
        case .created:
            return .record(.started)

        case .paused:
            if let deadline = s.deadline, now >= deadline { return .record(.timedOut) }
            return .sleep(until: s.deadline)

        case .running:
            if let deadline = s.deadline, now >= deadline { return .record(.timedOut) }
            guard s.cursor < definition.steps.count else { return .record(.completed) }
            let step = definition.steps[s.cursor]
            guard let record = s.step(step.name) else { return .record(.completed) }
            switch step.kind {
            case .call:
                if let retryAt = s.retryAt, now < retryAt {
                    return .sleep(until: earliest(retryAt, s.deadline))
                }
                return .execute(invocation(step: step.name, attempt: record.attempts + 1, isCompensation: false, now: now, isRestart: false))

            case .decision(let condition):
                let decision = condition(DecisionContext(workflowID: s.id, input: s.input, outputs: s.outputs))
                switch decision.target {
                case .next:
                    return .record(.decisionTaken(step: step.name, target: nil, complete: false))
                case .complete:
                    return .record(.decisionTaken(step: step.name, target: nil, complete: true))
                case .step(let target):
                    guard definition.index(of: target) != nil else {
                        return .record(.stepFailed(step: step.name, attempt: 1, error: StepError(.invalidArgument, "decision '\(step.name)' chose unknown step '\(target)'"), retryAt: nil))
                    }
                    return .record(.decisionTaken(step: step.name, target: target, complete: false))
                }

            case .wait(let signal, let duration):
                if record.status == .pending {
                    return .record(.waitStarted(step: step.name, until: duration.map { now.advanced(by: $0) }))
                }
                if let signal, let pending = s.pendingSignals.first(where: { $0.name == signal }) {
                    return .record(.stepCompleted(step: step.name, attempt: 1, output: pending.payload))
                }
                if let until = s.waitUntil, now >= until {
                    if signal == nil {
                        return .record(.stepCompleted(step: step.name, attempt: 1, output: .null))
                    }
                    return .record(.stepFailed(step: step.name, attempt: 1, error: StepError(.deadlineExceeded, "no signal '\(signal ?? "")' before the wait's timeout"), retryAt: nil))
                }
                return .sleep(until: earliest(s.waitUntil, s.deadline))

            case .parallel:
                return parallelAction(step, now: now)
            }

        case .failed, .timedOut:
            if s.compensationStack.isEmpty {
                return .record(.failed(error: s.error ?? StepError(.unknown, "workflow failed")))
            }
            return .record(.compensationStarted(steps: s.compensationStack.reversed()))

        case .cancelling:
            if s.compensationStack.isEmpty { return .record(.cancelled) }
            return .record(.compensationStarted(steps: s.compensationStack.reversed()))

        case .compensating:
            guard let top = s.compensationStack.last, let record = s.step(top) else { return .record(.compensated) }
            if let retryAt = s.retryAt, now < retryAt { return .sleep(until: retryAt) }
            return .execute(invocation(step: top, attempt: record.compensationAttempts + 1, isCompensation: true, now: now, isRestart: false))

        case .completed, .compensated, .compensationFailed, .cancelled:
            return .finished
        }
    }

    func invocation(step: String, attempt: Int, isCompensation: Bool, now: WorkflowInstant, isRestart: Bool) -> StepInvocation {
        let timeout = definition.step(named: step)?.timeout
        var deadline = timeout.map { now.advanced(by: $0) }
        if !isCompensation { deadline = earliest(deadline, snapshot.deadline) }
        var key = idempotencyKey(step: step, isCompensation: isCompensation)
        if !isCompensation, !isRestart, attempt == 1, let record = snapshot.step(step), record.visits >= 1 {
            // The visit counter increments when attempt 1 is recorded: name the key for that visit.
            key = "\(snapshot.id)/\(step)#\(record.visits + 1)"
        }
        return StepInvocation(step: step, attempt: attempt, isCompensation: isCompensation, idempotencyKey: key, deadline: deadline, isRestart: isRestart)
    }

    private func earliest(_ a: WorkflowInstant?, _ b: WorkflowInstant?) -> WorkflowInstant? {
        switch (a, b) {
        case (nil, nil): return nil
        case (let x?, nil): return x
        case (nil, let y?): return y
        case (let x?, let y?): return min(x, y)
        }
    }
}
