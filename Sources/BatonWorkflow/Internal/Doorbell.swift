import Synchronization

/// A wake-up for one waiting task (the engine's timer service): ringing it while nobody waits is
/// remembered until the next wait; after ``shutdown()`` every wait returns at once.
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var shutdown = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func ring() {
        let waiter = state.withLock { s in
            s.rung = s.waiter == nil
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    func shutdown() {
        let waiter = state.withLock { s in
            s.shutdown = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    var isShutdown: Bool { state.withLock { $0.shutdown } }

    /// Returns once rung (since the last wait), shut down, or the task is cancelled.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s in
                    if s.rung || s.shutdown || Task.isCancelled {
                        s.rung = false
                        return true
                    }
                    s.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { s in
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume()
        }
    }
}
