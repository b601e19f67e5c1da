/// One step of a workflow definition.
///
/// Build steps with the static factories: ``call(_:action:compensate:)``,
/// ``decision(_:_:)``, ``waitForSignal(_:signal:timeout:)`` and ``timer(_:_:)``,
/// then refine them with ``retry(_:)``, ``timeout(_:)`` and ``compensationRetry(_:)``.
public struct StepDefinition: Sendable {
    enum Kind: Sendable {
        case call(action: StepAction, compensation: StepAction?)
        case decision(@Sendable (DecisionContext) -> Decision)
        case wait(signal: String?, duration: Duration?)
        case parallel([StepDefinition])
    }

    public let name: String
    let kind: Kind
    /// Overrides the workflow's retry policy for this step.
    public var retryPolicy: RetryPolicy?
    /// Overrides the workflow's compensation retry policy for this step's compensation.
    public var compensationRetryPolicy: RetryPolicy?
    /// The longest one attempt (or one compensation attempt) may take.
    public var timeout: Duration?

    init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// A call to a service, with the call that undoes it.
    public static func call(
        _ name: String,
        action: @escaping StepAction,
        compensate: StepAction? = nil
    ) -> StepDefinition {
        StepDefinition(name: name, kind: .call(action: action, compensation: compensate))
    }

    /// Chooses the next step from the context. It runs once per visit and its choice is
    /// recorded, so a replay does not evaluate it again.
    public static func decision(_ name: String, _ condition: @escaping @Sendable (DecisionContext) -> Decision)
        -> StepDefinition
    {
        StepDefinition(name: name, kind: .decision(condition))
    }

    /// Waits for the external signal `signal` (one that arrived earlier is kept and consumed).
    /// Its payload becomes the step's output. Without the signal before `timeout`, the step fails
    /// with `DEADLINE_EXCEEDED` and the workflow compensates.
    public static func waitForSignal(_ name: String, signal: String, timeout: Duration? = nil) -> StepDefinition {
        StepDefinition(name: name, kind: .wait(signal: signal, duration: timeout))
    }

    /// A durable timer: the step completes `duration` after it starts, even across restarts.
    public static func timer(_ name: String, _ duration: Duration) -> StepDefinition {
        StepDefinition(name: name, kind: .wait(signal: nil, duration: duration))
    }

    /// Starts a child workflow of `type` and waits for it; the child's outputs become this step's
    /// output. The child's id is this step's idempotency key, so a retried or restarted parent
    /// finds the same child instead of starting another. A child that does not complete (it failed
    /// and compensated itself, or was cancelled) fails this step with `ABORTED`
    /// (retry policy permitting, a retry awaits the same child, so give such steps `.none`).
    /// `compensate` runs if the parent later compensates this step.
    public static func subWorkflow(
        _ name: String,
        type: String,
        version: Int? = nil,
        input: @escaping @Sendable (StepContext) throws -> WorkflowValue = { $0.input },
        compensate: StepAction? = nil
    ) -> StepDefinition {
        let action: StepAction = { context in
            guard let children = context.childWorkflows else {
                throw StepError(.failedPrecondition, "sub-workflow step '\(context.stepName)' needs an engine")
            }
            let child: WorkflowSnapshot
            do {
                child = try await children.run(type: type, version: version, id: context.idempotencyKey, input: try input(context))
            } catch let error as WorkflowError where error.code == .shuttingDown {
                throw CancellationError()  // parked: the parent re-awaits the child after a restart
            } catch let error as WorkflowError {
                throw StepError(.failedPrecondition, "cannot start child workflow: \(error)")
            }
            guard child.status == .completed else {
                if !child.isFinished { throw CancellationError() }
                throw StepError(
                    .aborted,
                    "child workflow '\(child.id)' ended \(child.status.rawValue)" + (child.error.map { ": \($0)" } ?? "")
                )
            }
            return .object(child.outputs)
        }
        return StepDefinition(name: name, kind: .call(action: action, compensation: compensate))
    }

    /// Runs call steps concurrently; completes when all have completed (its output is an object of
    /// their outputs by name). A branch that fails for good fails the group once the others have
    /// finished; completed branches are compensated like any completed step.
    public static func parallel(_ name: String, @WorkflowStepsBuilder branches: () -> [StepDefinition]) -> StepDefinition {
        StepDefinition(name: name, kind: .parallel(branches()))
    }

    /// The branches of a parallel group (empty for other kinds).
    public var branches: [StepDefinition] {
        if case .parallel(let branches) = kind { return branches }
        return []
    }

    public func retry(_ policy: RetryPolicy) -> StepDefinition {
        var copy = self
        copy.retryPolicy = policy
        return copy
    }

    public func compensationRetry(_ policy: RetryPolicy) -> StepDefinition {
        var copy = self
        copy.compensationRetryPolicy = policy
        return copy
    }

    public func timeout(_ duration: Duration) -> StepDefinition {
        var copy = self
        copy.timeout = duration
        return copy
    }

    /// Whether completing this step pushes a compensation on the saga's stack.
    public var hasCompensation: Bool {
        if case .call(_, let compensation) = kind { return compensation != nil }
        return false
    }

    /// A short name of the step kind: `call`, `decision`, `wait` or `timer`.
    public var kindName: String {
        switch kind {
        case .call: return "call"
        case .decision: return "decision"
        case .wait(let signal, _): return signal == nil ? "timer" : "wait"
        case .parallel: return "parallel"
        }
    }
}
