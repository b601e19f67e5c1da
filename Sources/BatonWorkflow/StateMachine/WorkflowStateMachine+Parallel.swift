extension WorkflowStateMachine {
    /// The current step if it is a parallel group that has `branch` among its branches.
    func currentGroup(of branch: String, in s: WorkflowSnapshot) -> StepDefinition? {
        guard s.cursor < definition.steps.count else { return nil }
        let group = definition.steps[s.cursor]
        return group.branches.contains { $0.name == branch } ? group : nil
    }

    func startBranch(
        _ branch: String,
        attempt: Int,
        group: StepDefinition,
        in s: inout WorkflowSnapshot,
        at now: WorkflowInstant,
        reject: (String) -> WorkflowError
    ) throws(WorkflowError) {
        guard s.status == .running, s.inFlight == nil, !s.branchesInFlight.contains(where: { $0.step == branch }) else {
            throw reject("'\(branch)' cannot start now")
        }
        guard let record = s.step(branch), attempt == record.attempts + 1,
            record.status == .pending || record.status == .retryScheduled
        else { throw reject("attempt \(attempt) of '\(branch)' out of order") }
        guard s.step(group.name)?.status != .failed else { throw reject("group '\(group.name)' already failed") }
        if s.step(group.name)?.status == .pending {
            s.updateStep(group.name) {
                $0.visits += 1
                $0.attempts = 1
                $0.status = .running
                $0.startedAt = now
            }
        }
        s.updateStep(branch) {
            if attempt == 1 {
                $0.visits += 1
                $0.startedAt = now
            }
            $0.attempts = attempt
            $0.status = .running
            $0.retryAt = nil
        }
        s.branchesInFlight.append(.init(step: branch, attempt: attempt, isCompensation: false))
    }

    /// Removes the in-flight record of a branch attempt; an attempt that is not in flight is
    /// rejected (a stale or duplicate result).
    private func takeBranchInFlight(
        _ branch: String,
        attempt: Int,
        in s: inout WorkflowSnapshot,
        reject: (String) -> WorkflowError
    ) throws(WorkflowError) {
        guard let index = s.branchesInFlight.firstIndex(of: .init(step: branch, attempt: attempt, isCompensation: false)) else {
            throw reject("no attempt \(attempt) of '\(branch)' in flight")
        }
        s.branchesInFlight.remove(at: index)
    }

    func completeBranch(
        _ branch: String,
        attempt: Int,
        output: WorkflowValue,
        group: StepDefinition,
        in s: inout WorkflowSnapshot,
        at now: WorkflowInstant,
        reject: (String) -> WorkflowError
    ) throws(WorkflowError) {
        try takeBranchInFlight(branch, attempt: attempt, in: &s, reject: reject)
        s.outputs[branch] = output
        s.updateStep(branch) {
            $0.status = .completed
            $0.finishedAt = now
            $0.error = nil
        }
        if definition.step(named: branch)?.hasCompensation == true { s.compensationStack.append(branch) }
        settleGroup(group, in: &s, at: now)
    }

    func failBranch(
        _ branch: String,
        attempt: Int,
        error: StepError,
        retryAt: WorkflowInstant?,
        group: StepDefinition,
        in s: inout WorkflowSnapshot,
        at now: WorkflowInstant,
        reject: (String) -> WorkflowError
    ) throws(WorkflowError) {
        try takeBranchInFlight(branch, attempt: attempt, in: &s, reject: reject)
        s.updateStep(branch) {
            $0.error = error
            if let retryAt {
                $0.status = .retryScheduled
                $0.retryAt = retryAt
            } else {
                $0.status = .failed
                $0.finishedAt = now
            }
        }
        if retryAt == nil {
            s.updateStep(group.name) {
                $0.status = .failed
                $0.error = error
                $0.finishedAt = now
            }
            s.error = error
            s.failedStep = branch
        }
        settleGroup(group, in: &s, at: now)
    }

    /// Once no branch is in flight: a failed group fails the workflow; a group whose branches all
    /// completed completes and the workflow moves on.
    private func settleGroup(_ group: StepDefinition, in s: inout WorkflowSnapshot, at now: WorkflowInstant) {
        guard s.branchesInFlight.isEmpty else { return }
        if s.step(group.name)?.status == .failed {
            if s.status == .running || s.status == .paused {
                if let deadline = s.deadline, now >= deadline {
                    s.status = .timedOut
                } else {
                    s.status = .failed
                }
            }
            return
        }
        let names = group.branches.map(\.name)
        guard names.allSatisfy({ s.step($0)?.status == .completed }) else { return }
        var outputs: [String: WorkflowValue] = [:]
        for name in names { outputs[name] = s.outputs[name] ?? .null }
        s.outputs[group.name] = .object(outputs)
        s.updateStep(group.name) {
            $0.status = .completed
            $0.finishedAt = now
        }
        moveCursor(to: s.cursor + 1, in: &s)
    }

    /// The next action for a parallel group that is the current step of a running workflow.
    func parallelAction(_ group: StepDefinition, now: WorkflowInstant) -> Action {
        let s = snapshot
        var due: [StepInvocation] = []
        var nextRetry: WorkflowInstant?
        for branch in group.branches {
            guard let record = s.step(branch.name) else { continue }
            switch record.status {
            case .pending:
                due.append(invocation(step: branch.name, attempt: record.attempts + 1, isCompensation: false, now: now, isRestart: false))
            case .retryScheduled:
                if let retryAt = record.retryAt, now < retryAt {
                    nextRetry = min(nextRetry ?? retryAt, retryAt)
                } else {
                    due.append(invocation(step: branch.name, attempt: record.attempts + 1, isCompensation: false, now: now, isRestart: false))
                }
            default:
                continue
            }
        }
        if !due.isEmpty { return .executeParallel(due) }
        var until = nextRetry
        if let deadline = s.deadline { until = min(until ?? deadline, deadline) }
        return .sleep(until: until)
    }
}

extension WorkflowStateMachine {
    /// Makes step `index` current (or none past the last step): clears pending retry and
    /// wait times and resets that step and its branches to PENDING with no attempts (a
    /// decision may loop back to a step that already ran).
    func moveCursor(to index: Int, in s: inout WorkflowSnapshot) {
        s.cursor = index
        s.retryAt = nil
        s.waitUntil = nil
        s.cursorStep = index < definition.steps.count ? definition.steps[index].name : nil
        guard index < definition.steps.count else { return }
        let step = definition.steps[index]
        for name in [step.name] + step.branches.map(\.name) {
            s.updateStep(name) { record in
                record.attempts = 0
                record.status = .pending
                record.error = nil
                record.retryAt = nil
            }
        }
    }
}
