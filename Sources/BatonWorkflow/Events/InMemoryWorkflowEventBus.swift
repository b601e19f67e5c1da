import Synchronization

/// Fans events out to in-process subscribers, each with its own bounded buffer
/// (the oldest events are dropped for a subscriber that falls too far behind).
public final class InMemoryWorkflowEventBus: WorkflowEventBus {
    private struct Subscriber {
        var untilFinal: Bool
        /// Decides on the publisher's side which events this subscriber gets: one that wants a
        /// few kinds is not woken for every event only to drop most of them.
        var include: (@Sendable (WorkflowEvent) -> Bool)?
        var continuation: AsyncStream<WorkflowEvent>.Continuation
    }

    /// Subscribers to every event, and those to one workflow's, indexed by that workflow: an
    /// event is handed to its own watchers without looking at anyone else's (WatchWorkflow
    /// callers may watch thousands of workflows at once).
    private struct State {
        var closed = false
        var nextID = 0
        var everything: [Int: Subscriber] = [:]
        var byWorkflow: [String: [Int: Subscriber]] = [:]

        var count: Int { byWorkflow.values.reduce(everything.count) { $0 + $1.count } }

        mutating func remove(_ id: Int, workflowID: String?) {
            guard let workflowID else {
                everything.removeValue(forKey: id)
                return
            }
            byWorkflow[workflowID]?.removeValue(forKey: id)
            if byWorkflow[workflowID]?.isEmpty == true { byWorkflow.removeValue(forKey: workflowID) }
        }
    }

    private let state = Mutex(State())
    private let bufferSize: Int

    public init(bufferSize: Int = 10_000) {
        self.bufferSize = bufferSize
    }

    public func publish(_ event: WorkflowEvent) async {
        // Handed over outside the lock: finishing a stream runs its termination handler, which
        // takes the lock.
        let targets = state.withLock { s in
            let watchers = s.byWorkflow[event.workflowID]
            var targets: [Subscriber] = []
            targets.reserveCapacity(s.everything.count + (watchers?.count ?? 0))
            targets.append(contentsOf: s.everything.values)
            if let watchers { targets.append(contentsOf: watchers.values) }
            return targets
        }
        for target in targets where target.include?(event) ?? true {
            target.continuation.yield(event)
            if target.untilFinal && event.isFinal { target.continuation.finish() }
        }
    }

    /// The events of one workflow from now on; the stream ends after the event that finishes it
    /// (WatchWorkflow). Subscribe before reading the current state to miss nothing.
    public func watch(workflowID: String) -> AsyncStream<WorkflowEvent> {
        subscribe(workflowID: workflowID, untilFinal: true)
    }

    /// A stream of every event published from now on (or only `workflowID`'s), or of those
    /// for which `include` is true. `include` runs on the publisher's task: keep it quick.
    public func subscribe(workflowID: String? = nil, where include: (@Sendable (WorkflowEvent) -> Bool)? = nil) -> AsyncStream<WorkflowEvent> {
        subscribe(workflowID: workflowID, untilFinal: false, include: include)
    }

    private func subscribe(workflowID: String?, untilFinal: Bool, include: (@Sendable (WorkflowEvent) -> Bool)? = nil) -> AsyncStream<WorkflowEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: WorkflowEvent.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id = state.withLock { s -> Int? in
            guard !s.closed else { return nil }
            s.nextID += 1
            let subscriber = Subscriber(untilFinal: untilFinal, include: include, continuation: continuation)
            if let workflowID {
                s.byWorkflow[workflowID, default: [:]][s.nextID] = subscriber
            } else {
                s.everything[s.nextID] = subscriber
            }
            return s.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { $0.remove(id, workflowID: workflowID) }
        }
        return stream
    }

    public var subscriberCount: Int { state.withLock { $0.count } }

    /// Ends every subscriber's stream, now and for later subscriptions (at shutdown, so that
    /// long-lived watchers do not hold it up).
    public func close() {
        let continuations = state.withLock { s in
            s.closed = true
            defer {
                s.everything.removeAll()
                s.byWorkflow.removeAll()
            }
            return s.everything.values.map(\.continuation) + s.byWorkflow.values.flatMap { $0.values.map(\.continuation) }
        }
        for continuation in continuations { continuation.finish() }
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { state.withLock { $0.closed } }
}

extension WorkflowEventBus where Self == InMemoryWorkflowEventBus {
    /// An in-process fan-out bus.
    public static func inMemory(bufferSize: Int = 10_000) -> InMemoryWorkflowEventBus { InMemoryWorkflowEventBus(bufferSize: bufferSize) }
}
