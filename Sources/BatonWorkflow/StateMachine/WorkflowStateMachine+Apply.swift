extension WorkflowStateMachine {
    /// Applies one event to the instance.
    ///
    /// - Throws: ``WorkflowError`` `illegalTransition` when the event is not legal in the current
    ///   state, or `invalidArgument` when it is out of sequence or names an unknown step.
    public mutating func apply(_ event: WorkflowEvent) throws(WorkflowError) {
        guard event.workflowID == snapshot.id else {
            throw WorkflowError(code: .invalidArgument, message: "event for '\(event.workflowID)' applied to '\(snapshot.id)'")
        }
        guard event.sequence == snapshot.version + 1 else {
            throw WorkflowError(
                code: .invalidArgument,
                message: "event \(event.sequence) out of sequence for '\(snapshot.id)' at version \(snapshot.version)"
            )
        }
        var s = snapshot
        let now = event.timestamp
        let status = s.status

        func reject(_ detail: String = "") -> WorkflowError {
            WorkflowError(
                code: .illegalTransition,
                message: "\(event.name) is not legal for '\(s.id)' in state \(status.rawValue)"
                    + (s.isFinished ? " (finished)" : "") + (detail.isEmpty ? "" : ": \(detail)")
            )
        }
        func requireCurrent(_ step: String) throws(WorkflowError) -> StepDefinition {
            guard s.cursor < definition.steps.count, definition.steps[s.cursor].name == step else {
                throw reject("'\(step)' is not the current step")
            }
            return definition.steps[s.cursor]
        }
        func advance(to index: Int) {
            moveCursor(to: index, in: &s)
        }

        // A finished instance accepts nothing more, not even a signal.
        if s.isFinished { throw reject() }

        switch event.kind {
        case .created(let type, let version, let input, let correlationID, let deadline, let metadata):
            guard s.version == 0 else { throw reject() }
            guard type == definition.type, version == definition.version else {
                throw WorkflowError(code: .invalidArgument, message: "created event for \(type) v\(version) on definition \(definition.type) v\(definition.version)")
            }
            s.input = input
            s.correlationID = correlationID
            s.metadata = metadata
            s.deadline = deadline
            s.createdAt = now
            s.status = .created

        case .started:
            guard status == .created else { throw reject() }
            s.status = .running
            advance(to: 0)

        case .stepStarted(let step, let attempt):
            if let group = currentGroup(of: step, in: s) {
                try startBranch(step, attempt: attempt, group: group, in: &s, at: now, reject: reject)
                break
            }
            guard s.branchesInFlight.isEmpty else { throw reject() }
            guard status == .running, s.inFlight == nil else { throw reject() }
            let definitionStep = try requireCurrent(step)
            let ri = s.steps.firstIndex { $0.name == step }!
            guard case .call = definitionStep.kind else { throw reject("'\(step)' is not a call step") }
            guard attempt == s.steps[ri].attempts + 1 else { throw reject("attempt \(attempt) out of order") }
            if attempt == 1 {
                s.steps[ri].visits += 1
                s.steps[ri].startedAt = now
            }
            s.steps[ri].attempts = attempt
            s.steps[ri].status = .running
            s.inFlight = .init(step: step, attempt: attempt, isCompensation: false)
            s.retryAt = nil

        case .stepCompleted(let step, let attempt, let output):
            if let group = currentGroup(of: step, in: s) {
                try completeBranch(step, attempt: attempt, output: output, group: group, in: &s, at: now, reject: reject)
                break
            }
            let definitionStep = try requireCurrent(step)
            let ri = s.steps.firstIndex { $0.name == step }!
            switch definitionStep.kind {
            case .call:
                guard s.inFlight == .init(step: step, attempt: attempt, isCompensation: false) else {
                    throw reject("no attempt \(attempt) of '\(step)' in flight")
                }
                if definitionStep.hasCompensation { s.compensationStack.append(step) }
            case .wait(let signal, _):
                guard status == .running, s.steps[ri].status == .waiting else { throw reject("'\(step)' is not waiting") }
                if let signal, let index = s.pendingSignals.firstIndex(where: { $0.name == signal }) {
                    s.pendingSignals.remove(at: index)
                }
            case .decision:
                throw reject("a decision completes with DecisionTaken")
            case .parallel:
                throw reject("a parallel group completes with its branches")
            }
            s.inFlight = nil
            s.outputs[step] = output
            s.steps[ri].status = .completed
            s.steps[ri].finishedAt = now
            s.steps[ri].error = nil
            advance(to: s.cursor + 1)

        case .stepFailed(let step, let attempt, let error, let retryAt):
            if let group = currentGroup(of: step, in: s) {
                try failBranch(step, attempt: attempt, error: error, retryAt: retryAt, group: group, in: &s, at: now, reject: reject)
                break
            }
            let definitionStep = try requireCurrent(step)
            let ri = s.steps.firstIndex { $0.name == step }!
            switch definitionStep.kind {
            case .call:
                guard s.inFlight == .init(step: step, attempt: attempt, isCompensation: false) else {
                    throw reject("no attempt \(attempt) of '\(step)' in flight")
                }
            case .wait, .decision:
                guard status == .running, s.inFlight == nil, retryAt == nil else { throw reject() }
            case .parallel:
                throw reject("a parallel group fails through its branches")
            }
            s.inFlight = nil
            s.steps[ri].error = error
            if let retryAt {
                s.retryAt = retryAt
                s.steps[ri].status = .retryScheduled
            } else {
                s.steps[ri].status = .failed
                s.steps[ri].finishedAt = now
                s.error = error
                s.failedStep = step
                s.retryAt = nil
                s.waitUntil = nil
                if status == .running || status == .paused {
                    if let deadline = s.deadline, now >= deadline {
                        s.status = .timedOut
                    } else {
                        s.status = .failed
                    }
                }
            }

        case .decisionTaken(let step, let target, let complete):
            guard status == .running, s.inFlight == nil else { throw reject() }
            let definitionStep = try requireCurrent(step)
            let ri = s.steps.firstIndex { $0.name == step }!
            guard case .decision = definitionStep.kind else { throw reject("'\(step)' is not a decision") }
            s.steps[ri].visits += 1
            s.steps[ri].attempts = 1
            s.steps[ri].status = .completed
            s.steps[ri].startedAt = now
            s.steps[ri].finishedAt = now
            if complete {
                advance(to: definition.steps.count)
            } else if let target {
                guard let index = definition.index(of: target) else { throw reject("unknown step '\(target)'") }
                advance(to: index)
            } else {
                advance(to: s.cursor + 1)
            }

        case .waitStarted(let step, let until):
            guard status == .running, s.inFlight == nil else { throw reject() }
            let definitionStep = try requireCurrent(step)
            let ri = s.steps.firstIndex { $0.name == step }!
            guard case .wait = definitionStep.kind, s.steps[ri].status == .pending else { throw reject() }
            s.steps[ri].visits += 1
            s.steps[ri].attempts = 1
            s.steps[ri].status = .waiting
            s.steps[ri].startedAt = now
            s.waitUntil = until

        case .signalReceived(let name, let payload):
            s.pendingSignals.append(.init(name: name, payload: payload))

        case .paused:
            guard status == .running else { throw reject() }
            s.status = .paused

        case .resumed:
            guard status == .paused else { throw reject() }
            s.status = .running

        case .cancelRequested(let reason):
            guard status == .created || status == .running || status == .paused else { throw reject() }
            s.status = .cancelling
            s.cancelReason = reason
            s.retryAt = nil

        case .timedOut:
            guard status == .running || status == .paused, s.inFlight == nil, s.branchesInFlight.isEmpty else { throw reject() }
            s.status = .timedOut
            s.error = StepError(.deadlineExceeded, "workflow deadline passed")
            s.failedStep = s.cursorStep
            s.retryAt = nil
            s.waitUntil = nil

        case .compensationStarted(let steps):
            guard [.failed, .timedOut, .cancelling].contains(status), s.inFlight == nil, s.branchesInFlight.isEmpty, !s.compensationStack.isEmpty
            else { throw reject() }
            guard steps == Array(s.compensationStack.reversed()) else { throw reject("compensation order differs from the stack") }
            s.status = .compensating
            s.retryAt = nil

        case .compensationStepStarted(let step, let attempt):
            guard status == .compensating, s.inFlight == nil, s.compensationStack.last == step else {
                throw reject("'\(step)' is not next to compensate")
            }
            s.updateStep(step) { record in
                guard attempt == record.compensationAttempts + 1 else { return }
                record.compensationAttempts = attempt
                record.status = .compensating
            }
            guard s.step(step)?.compensationAttempts == attempt else { throw reject("attempt \(attempt) out of order") }
            s.inFlight = .init(step: step, attempt: attempt, isCompensation: true)
            s.retryAt = nil

        case .compensationStepCompleted(let step, let attempt):
            guard status == .compensating, s.inFlight == .init(step: step, attempt: attempt, isCompensation: true) else {
                throw reject()
            }
            s.inFlight = nil
            s.compensationStack.removeLast()
            s.updateStep(step) {
                $0.status = .compensated
                $0.finishedAt = now
            }

        case .compensationStepFailed(let step, let attempt, let error, let retryAt):
            guard status == .compensating, s.inFlight == .init(step: step, attempt: attempt, isCompensation: true) else {
                throw reject()
            }
            s.inFlight = nil
            s.updateStep(step) { $0.error = error }
            if let retryAt {
                s.retryAt = retryAt
            } else {
                s.updateStep(step) { $0.status = .compensationFailed }
                s.status = .compensationFailed
                s.error = error
                s.failedStep = step
                s.finishedAt = now
            }

        case .completed:
            guard status == .running, s.inFlight == nil, s.cursor >= definition.steps.count else { throw reject() }
            s.status = .completed
            s.finishedAt = now

        case .failed(let error):
            guard status == .failed || status == .timedOut, s.compensationStack.isEmpty, s.inFlight == nil, s.branchesInFlight.isEmpty else {
                throw reject()
            }
            s.error = s.error ?? error
            s.finishedAt = now

        case .compensated:
            guard status == .compensating, s.compensationStack.isEmpty, s.inFlight == nil else { throw reject() }
            s.status = .compensated
            s.finishedAt = now

        case .cancelled:
            guard status == .cancelling, s.compensationStack.isEmpty, s.inFlight == nil, s.branchesInFlight.isEmpty else { throw reject() }
            s.status = .cancelled
            s.finishedAt = now
        }

        s.version = event.sequence
        s.updatedAt = now
        snapshot = s
    }
}
