import Synchronization

/// One caller of `waitForCompletion`: resolved exactly once, whether before or after it waits.
final class CompletionWaiter: Sendable {
    private struct State {
        var result: WorkflowSnapshot?
        var continuation: CheckedContinuation<WorkflowSnapshot, Never>?
    }

    private let state = Mutex(State())

    func resolve(_ snapshot: WorkflowSnapshot) {
        let continuation: CheckedContinuation<WorkflowSnapshot, Never>? = state.withLock { s in
            guard s.result == nil else { return nil }
            s.result = snapshot
            defer { s.continuation = nil }
            return s.continuation
        }
        continuation?.resume(returning: snapshot)
    }

    func wait() async -> WorkflowSnapshot {
        await withCheckedContinuation { (continuation: CheckedContinuation<WorkflowSnapshot, Never>) in
            let ready: WorkflowSnapshot? = state.withLock { s in
                if let result = s.result { return result }
                s.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
