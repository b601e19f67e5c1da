import BatonWorkflow
import Synchronization

/// Records every step call the engine makes (name, attempt, idempotency key), like an atomic
/// service that honours idempotency keys would see them.
final class StepLedger: Sendable {
    struct Call: Sendable, Hashable {
        var step: String
        var attempt: Int
        var key: String
        var isCompensation: Bool
    }

    private let calls = Mutex<[Call]>([])

    func record(_ context: StepContext) {
        calls.withLock {
            $0.append(Call(step: context.stepName, attempt: context.attempt, key: context.idempotencyKey, isCompensation: context.isCompensation))
        }
    }

    var all: [Call] { calls.withLock { $0 } }
    var names: [String] { all.map { $0.isCompensation ? "undo:\($0.step)" : $0.step } }

    /// A step body that records the call and returns `output`.
    func step(_ output: WorkflowValue = .null) -> StepAction {
        { context in
            self.record(context)
            return output
        }
    }

    /// A step body that records the call, waits at `gate` (see `Gate`), then returns `output`.
    func gated(by gate: Gate, _ output: WorkflowValue) -> StepAction {
        { context in
            self.record(context)
            await gate.pass()
            return output
        }
    }

    /// A step body that records the call and fails with `code` for the first `times` attempts.
    func failing(_ code: StepError.Code, times: Int = .max, output: WorkflowValue = .null) -> StepAction {
        { context in
            self.record(context)
            if context.attempt <= times { throw StepError(code, "injected failure \(context.attempt)") }
            return output
        }
    }
}

/// A gate a step can wait on until the test opens it.
final class Gate: Sendable {
    private struct State {
        var open = false
        var entered = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
        var enteredWaiters: [(Int, CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    func pass() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let (resumeNow, ready) = state.withLock { s -> (Bool, [CheckedContinuation<Void, Never>]) in
                s.entered += 1
                let ready = s.enteredWaiters.filter { s.entered >= $0.0 }.map(\.1)
                s.enteredWaiters.removeAll { s.entered >= $0.0 }
                if s.open { return (true, ready) }
                s.waiters.append(c)
                return (false, ready)
            }
            for r in ready { r.resume() }
            if resumeNow { c.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { s in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    /// Waits until `count` callers have reached the gate.
    func waitForEntries(_ count: Int = 1) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s in
                if s.entered >= count { return true }
                s.enteredWaiters.append((count, c))
                return false
            }
            if now { c.resume() }
        }
    }
}

/// A retry policy without jitter, so tests can predict every delay.
func predictableRetry(maxAttempts: Int, initial: Duration = .milliseconds(100)) -> RetryPolicy {
    RetryPolicy(maxAttempts: maxAttempts, backoff: .exponential(initial: initial, maximum: .seconds(10)))
}
