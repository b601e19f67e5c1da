/// The pure saga state machine: it takes events and returns actions; it performs no I/O.
///
/// The executor asks ``nextAction(now:)`` what to do, performs it (records an event, runs a
/// step, sleeps), and feeds every resulting event back through ``apply(_:)``. Illegal events are
/// rejected with `WorkflowError.Code.illegalTransition`. Because every decision that is not a pure
/// function of the history (a decision step's choice, a retry time, a timeout) is recorded as an
/// event, ``replay(_:definition:)`` rebuilds exactly the same snapshot.
public struct WorkflowStateMachine: Sendable {
    /// What the executor must do next.
    public enum Action: Sendable, Hashable {
        /// Persist this event (then apply it and ask again).
        case record(WorkflowEvent.Kind)
        /// Run a step attempt or a compensation attempt.
        case execute(StepInvocation)
        /// Run these parallel branch attempts concurrently, recording each outcome as it arrives.
        case executeParallel([StepInvocation])
        /// Nothing to do until `until` (nil: until a command arrives).
        case sleep(until: WorkflowInstant?)
        /// The workflow is finished.
        case finished
    }

    /// One attempt of a step or of its compensation.
    public struct StepInvocation: Sendable, Hashable {
        public var step: String
        public var attempt: Int
        public var isCompensation: Bool
        public var idempotencyKey: String
        /// When the attempt times out (step timeout or the workflow's deadline, whichever is first).
        public var deadline: WorkflowInstant?
        /// True when the attempt was already started before (a restart): no new `stepStarted` is recorded.
        public var isRestart: Bool

        /// The event that records the attempt's start.
        public var startedEvent: WorkflowEvent.Kind {
            isCompensation ? .compensationStepStarted(step: step, attempt: attempt) : .stepStarted(step: step, attempt: attempt)
        }
    }

    /// An external request addressed to a running instance.
    public enum Command: Sendable, Hashable {
        case pause
        case resume
        case cancel(reason: String)
        case signal(name: String, payload: WorkflowValue)
    }

    public let definition: WorkflowDefinition
    public internal(set) var snapshot: WorkflowSnapshot

    /// A new instance: its snapshot already reflects the `created` event returned with it.
    public static func create(
        definition: WorkflowDefinition,
        id: String,
        input: WorkflowValue,
        correlationID: String?,
        metadata: [String: String] = [:],
        now: WorkflowInstant
    ) -> (machine: WorkflowStateMachine, event: WorkflowEvent) {
        let deadline = definition.configuration.timeout.map { now.advanced(by: $0) }
        let event = WorkflowEvent(
            workflowID: id,
            sequence: 1,
            timestamp: now,
            kind: .created(
                type: definition.type,
                version: definition.version,
                input: input,
                correlationID: correlationID,
                deadline: deadline,
                metadata: metadata.isEmpty ? nil : metadata
            )
        )
        var machine = WorkflowStateMachine(definition: definition, snapshot: Self.emptySnapshot(id: id, definition: definition, at: now))
        // A `created` event on an empty snapshot is always legal.
        try! machine.apply(event)
        return (machine, event)
    }

    /// Applies the instance's next event, of `kind` at `timestamp`, and returns it.
    public mutating func record(_ kind: WorkflowEvent.Kind, at timestamp: WorkflowInstant) throws(WorkflowError) -> WorkflowEvent {
        let event = WorkflowEvent(workflowID: snapshot.id, sequence: snapshot.version + 1, timestamp: timestamp, kind: kind)
        try apply(event)
        return event
    }

    /// Records on a new instance what an executor would record first without running anything:
    /// the start, then the start of the first step attempts (a decision, a wait, anything else
    /// stops it there). A start stores them with its create, so the first step runs as soon as
    /// the create is durable instead of after a commit of its own; the executor then finds those
    /// attempts in flight and runs them, as after a restart.
    public mutating func recordOpening(now: WorkflowInstant) throws(WorkflowError) -> [WorkflowEvent] {
        guard nextAction(now: now) == .record(.started) else { return [] }
        var events = [try record(.started, at: now)]
        let invocations: [StepInvocation]
        switch nextAction(now: now) {
        case .execute(let invocation): invocations = [invocation]
        case .executeParallel(let all): invocations = all
        default: return events
        }
        for invocation in invocations where !invocation.isRestart {
            events.append(try record(invocation.startedEvent, at: now))
        }
        return events
    }

    /// Resumes an instance from a stored snapshot.
    public init(definition: WorkflowDefinition, snapshot: WorkflowSnapshot) {
        self.definition = definition
        self.snapshot = snapshot
    }

    /// Rebuilds an instance from its history.
    public static func replay(_ events: [WorkflowEvent], definition: WorkflowDefinition) throws(WorkflowError)
        -> WorkflowSnapshot
    {
        guard let first = events.first else {
            throw WorkflowError(code: .invalidArgument, message: "cannot replay an empty history")
        }
        var machine = WorkflowStateMachine(
            definition: definition,
            snapshot: emptySnapshot(id: first.workflowID, definition: definition, at: first.timestamp)
        )
        for event in events { try machine.apply(event) }
        return machine.snapshot
    }

    static func emptySnapshot(id: String, definition: WorkflowDefinition, at now: WorkflowInstant) -> WorkflowSnapshot {
        WorkflowSnapshot(
            id: id,
            type: definition.type,
            definitionVersion: definition.version,
            correlationID: nil,
            status: .created,
            input: .null,
            outputs: [:],
            steps: definition.allSteps.map { WorkflowSnapshot.StepRecord(name: $0.name) },
            cursor: 0,
            cursorStep: definition.steps.first?.name,
            inFlight: nil,
            branchesInFlight: [],
            retryAt: nil,
            waitUntil: nil,
            pendingSignals: [],
            compensationStack: [],
            deadline: nil,
            error: nil,
            failedStep: nil,
            cancelReason: nil,
            createdAt: now,
            updatedAt: now,
            finishedAt: nil,
            version: 0
        )
    }

    /// The event that records the outcome of an attempt, including whether and when it is retried.
    public func outcomeEvent(
        for invocation: StepInvocation,
        result: Result<WorkflowValue, StepError>,
        now: WorkflowInstant
    ) -> WorkflowEvent.Kind {
        switch result {
        case .success(let output):
            return invocation.isCompensation
                ? .compensationStepCompleted(step: invocation.step, attempt: invocation.attempt)
                : .stepCompleted(step: invocation.step, attempt: invocation.attempt, output: output)
        case .failure(let error):
            let retryAt = retryTime(for: invocation, error: error, now: now)
            return invocation.isCompensation
                ? .compensationStepFailed(step: invocation.step, attempt: invocation.attempt, error: error, retryAt: retryAt)
                : .stepFailed(step: invocation.step, attempt: invocation.attempt, error: error, retryAt: retryAt)
        }
    }

    func retryTime(for invocation: StepInvocation, error: StepError, now: WorkflowInstant) -> WorkflowInstant? {
        let step = definition.step(named: invocation.step)
        let policy: RetryPolicy
        if invocation.isCompensation {
            policy = step?.compensationRetryPolicy ?? definition.configuration.compensationRetry
        } else {
            policy = step?.retryPolicy ?? definition.configuration.retry
            // A cancelled or paused-for-cancel workflow does not retry forward steps.
            if snapshot.status == .cancelling { return nil }
        }
        guard policy.shouldRetry(error, afterAttempt: invocation.attempt) else { return nil }
        let sample = Self.jitterSample(key: invocation.idempotencyKey, attempt: invocation.attempt)
        let at = now.advanced(by: policy.backoff.delay(forRetry: invocation.attempt, jitterSample: sample))
        if !invocation.isCompensation, let deadline = snapshot.deadline, at >= deadline { return nil }
        return at
    }

    /// A deterministic sample in 0..<1 (FNV-1a of key and attempt), so schedules are reproducible
    /// yet spread across workflows.
    static func jitterSample(key: String, attempt: Int) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        hash ^= UInt64(truncatingIfNeeded: attempt)
        hash = hash &* 0x100_0000_01b3
        return Double(hash >> 11) / Double(1 << 53)
    }

    /// The idempotency key of a step: workflow id + step name (+ visit when looped) (+ `compensate`).
    public func idempotencyKey(step: String, isCompensation: Bool) -> String {
        let visits = snapshot.step(step)?.visits ?? 0
        var key = "\(snapshot.id)/\(step)"
        if visits > 1 { key += "#\(visits)" }
        if isCompensation { key += "/compensate" }
        return key
    }

    /// The event that records an external command, or an error if it is not legal now.
    public func commandEvent(_ command: Command) throws(WorkflowError) -> WorkflowEvent.Kind {
        let status = snapshot.status
        switch command {
        case .pause:
            guard status == .running, !snapshot.isFinished else { throw illegal("pause", status) }
            return .paused
        case .resume:
            guard status == .paused else { throw illegal("resume", status) }
            return .resumed
        case .cancel(let reason):
            guard [.created, .running, .paused].contains(status), !snapshot.isFinished else {
                throw illegal("cancel", status)
            }
            return .cancelRequested(reason: reason)
        case .signal(let name, let payload):
            guard !snapshot.isFinished else { throw illegal("signal", status) }
            return .signalReceived(name: name, payload: payload)
        }
    }

    /// The compensations a cancellation or failure would run now, in the order they would run.
    public var pendingCompensations: [String] {
        var names = Array(snapshot.compensationStack.reversed())
        if let inFlight = snapshot.inFlight, !inFlight.isCompensation,
            definition.step(named: inFlight.step)?.hasCompensation == true
        {
            names.insert(inFlight.step, at: 0)
        }
        for branch in snapshot.branchesInFlight.reversed() where definition.step(named: branch.step)?.hasCompensation == true {
            names.insert(branch.step, at: 0)
        }
        return names
    }

    private func illegal(_ what: String, _ status: WorkflowStatus) -> WorkflowError {
        WorkflowError(
            code: .illegalTransition,
            message: "cannot \(what) workflow '\(snapshot.id)' in state \(status.rawValue)\(snapshot.isFinished ? " (finished)" : "")"
        )
    }
}
