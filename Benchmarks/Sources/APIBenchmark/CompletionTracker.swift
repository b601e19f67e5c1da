import BatonAPI
import BatonRPC
import Synchronization

/// Follows one `EventService.Subscribe` stream of PlaceOrder's final events and counts them.
/// A caller that needs to know when its own workflow ends calls ``expect(_:)`` before starting
/// it and ``ending(of:timeout:)`` after: the stream event's arrival time and its type.
final class CompletionTracker: Sendable {
    static let completed = "WorkflowCompleted"
    /// The final events other than completion: a benchmarked saga must never end with one.
    static let otherEndings = ["WorkflowCompensated", "WorkflowFailed", "WorkflowCancelled"]

    struct Ending: Sendable {
        var type: String
        var at: ContinuousClock.Instant
    }

    private enum Entry {
        case expected
        case ended(Ending)
        case waiting(CheckedContinuation<Ending?, Never>)
    }

    private struct State {
        var completed = 0
        var notCompleted = 0
        var entries: [String: Entry] = [:]
    }

    private let state = Mutex(State())
    private let clock = ContinuousClock()

    /// WorkflowCompleted events received so far.
    var completedCount: Int { state.withLock { $0.completed } }
    /// Other final events received so far.
    var notCompletedCount: Int { state.withLock { $0.notCompleted } }

    /// Reads the server's final PlaceOrder events until the calling task is cancelled or the
    /// stream ends.
    func follow(_ client: any RPCCaller) async throws {
        var request = Baton_Coordination_V1_SubscribeRequest()
        request.eventTypes = [Self.completed] + Self.otherEndings
        request.workflowTypes = ["PlaceOrder"]
        try await Baton_Coordination_V1_EventServiceClient(client).subscribe(request) { events in
            for try await event in events { self.record(event) }
        }
    }

    private func record(_ event: Baton_Coordination_V1_WorkflowEvent) {
        let ending = Ending(type: event.eventType, at: clock.now)
        let waiter = state.withLock { state -> CheckedContinuation<Ending?, Never>? in
            if event.eventType == Self.completed { state.completed += 1 } else { state.notCompleted += 1 }
            switch state.entries[event.workflowID] {
            case .expected:
                state.entries[event.workflowID] = .ended(ending)
                return nil
            case .waiting(let continuation):
                state.entries[event.workflowID] = nil
                return continuation
            case .ended, nil:
                return nil
            }
        }
        waiter?.resume(returning: ending)
    }

    /// Marks `workflowID` as one whose ending a caller will wait for.
    func expect(_ workflowID: String) {
        state.withLock { $0.entries[workflowID] = .expected }
    }

    /// How the expected `workflowID` ended, or nil when no final event arrived within `timeout`.
    func ending(of workflowID: String, timeout: Duration) async -> Ending? {
        await withTaskGroup(of: Ending?.self) { group in
            group.addTask { await self.wait(for: workflowID) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
    }

    private func wait(for workflowID: String) async -> Ending? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Ending?, Never>) in
                let resume = state.withLock { state -> Ending?? in
                    switch state.entries[workflowID] {
                    case .ended(let ending):
                        state.entries[workflowID] = nil
                        return .some(ending)
                    case .expected:
                        if Task.isCancelled {
                            state.entries[workflowID] = nil
                            return .some(nil)
                        }
                        state.entries[workflowID] = .waiting(continuation)
                        return nil
                    case .waiting, nil:
                        return .some(nil)
                    }
                }
                if let resume { continuation.resume(returning: resume) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Ending?, Never>? in
                guard case .waiting(let continuation) = state.entries[workflowID] else { return nil }
                state.entries[workflowID] = nil
                return continuation
            }
            waiter?.resume(returning: nil)
        }
    }
}
