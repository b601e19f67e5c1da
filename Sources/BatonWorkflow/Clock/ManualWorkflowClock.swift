import Synchronization

/// A clock that only moves when told to: tests drive retries, timers and timeouts with it
/// and never sleep.
///
/// ``waitForSleepers(count:)`` lets a test wait until the engine has gone to sleep on the clock
/// (for a backoff, a timer or a timeout) before advancing it, which makes the tests deterministic.
public final class ManualWorkflowClock: WorkflowClock {
    private struct Sleeper {
        var deadline: WorkflowInstant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: WorkflowInstant
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
        var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

        mutating func notifyWatchers() {
            let ready = watchers.filter { sleepers.count >= $0.count }
            watchers.removeAll { sleepers.count >= $0.count }
            for watcher in ready { watcher.continuation.resume() }
        }
    }

    private let state: Mutex<State>

    public init(now: WorkflowInstant = WorkflowInstant(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)) {
        self.state = Mutex(State(now: now))
    }

    public func now() -> WorkflowInstant {
        state.withLock { $0.now }
    }

    /// The deadlines of every task currently sleeping on this clock, earliest first.
    public var sleepingUntil: [WorkflowInstant] {
        state.withLock { $0.sleepers.values.map(\.deadline).sorted() }
    }

    public func sleep(until deadline: WorkflowInstant) async throws {
        let id: Int = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                state.withLock { s in
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else if deadline <= s.now {
                        continuation.resume()
                    } else {
                        s.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                        s.notifyWatchers()
                    }
                }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose deadline has been reached.
    public func advance(by duration: Duration) {
        advance(to: now().advanced(by: duration))
    }

    /// Moves time to `instant` (never backwards) and wakes every sleeper whose deadline has been reached.
    public func advance(to instant: WorkflowInstant) {
        let due: [Sleeper] = state.withLock { s in
            s.now = max(s.now, instant)
            let ids = s.sleepers.filter { $0.value.deadline <= s.now }.map(\.key)
            return ids.compactMap { s.sleepers.removeValue(forKey: $0) }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Waits until at least `count` tasks are sleeping on this clock.
    public func waitForSleepers(count: Int = 1) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            state.withLock { s in
                if s.sleepers.count >= count {
                    continuation.resume()
                } else {
                    s.watchers.append((count, continuation))
                }
            }
        }
    }
}
