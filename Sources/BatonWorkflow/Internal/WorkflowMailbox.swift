import Synchronization

/// Commands addressed to one driven workflow, the shutdown flag, and the outcomes of the step
/// attempts in flight. The driver drains it at every checkpoint and while steps run: one wake-up
/// serves both a command and an attempt that finished.
final class WorkflowMailbox: Sendable {
    /// An attempt's outcome, by its index in the batch the driver started.
    typealias Outcome = (index: Int, result: Result<WorkflowValue, StepError>)

    struct Reply: Sendable {
        var snapshot: WorkflowSnapshot
        var compensations: [String]
    }

    struct Letter: Sendable {
        var command: WorkflowStateMachine.Command
        var reply: CheckedContinuation<Reply, any Error>
    }

    private struct State {
        var letters: [Letter] = []
        var outcomes: [Outcome] = []
        var shutdown = false
        var closed = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Adds a command. Returns false (and leaves the continuation alone) when the driver has gone.
    func post(_ letter: Letter) -> Bool {
        let (accepted, waiter): (Bool, CheckedContinuation<Void, Never>?) = state.withLock { s in
            guard !s.closed else { return (false, nil) }
            s.letters.append(letter)
            defer { s.waiter = nil }
            return (true, s.waiter)
        }
        waiter?.resume()
        return accepted
    }

    func shutdown() {
        let waiter = state.withLock { s in
            s.shutdown = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Takes every pending command.
    func drain() -> (letters: [Letter], shutdown: Bool) {
        state.withLock { s in
            defer { s.letters = [] }
            return (s.letters, s.shutdown)
        }
    }

    /// Refuses further commands and returns those still pending (to be answered with an error).
    func close() -> [Letter] {
        state.withLock { s in
            s.closed = true
            defer { s.letters = [] }
            return s.letters
        }
    }

    /// Refuses further commands if none is pending and shutdown has not begun (the driver is about
    /// to park its instance). Returns whether it closed.
    func closeIfIdle() -> Bool {
        state.withLock { s in
            guard s.letters.isEmpty, !s.shutdown, !s.closed else { return false }
            s.closed = true
            return true
        }
    }

    var isShutdown: Bool { state.withLock { $0.shutdown } }

    /// Hands the driver an attempt's outcome (from the attempt's own task).
    func deliver(_ outcome: Outcome) {
        let waiter = state.withLock { s in
            s.outcomes.append(outcome)
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Takes the outcomes delivered so far.
    func takeOutcomes() -> [Outcome] {
        state.withLock { s in
            defer { s.outcomes = [] }
            return s.outcomes
        }
    }

    /// Returns when a command is pending, shutdown began, or the task is cancelled.
    func waitForMail() async {
        await wait(forOutcomes: false, forMail: true)
    }

    /// Returns when an outcome is delivered, when (`forMail`) a command is pending or shutdown
    /// began, or when the task is cancelled.
    func waitForOutcomesOrMail(_ forMail: Bool) async {
        await wait(forOutcomes: true, forMail: forMail)
    }

    private func wait(forOutcomes: Bool, forMail: Bool) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s in
                    if (forOutcomes && !s.outcomes.isEmpty) || (forMail && (!s.letters.isEmpty || s.shutdown)) || Task.isCancelled {
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
