import Synchronization

/// Fans events out to in-process subscribers, each with its own bounded buffer
/// (the oldest events are dropped for a subscriber that falls too far behind).
public final class InMemoryWorkflowEventBus: WorkflowEventBus {
    private struct State {
        var closed = false
        var nextID = 0
        var subscribers: [Int: (filter: String?, untilFinal: Bool, continuation: AsyncStream<WorkflowEvent>.Continuation)] = [:]
    }

    private let state = Mutex(State())
    private let bufferSize: Int

    public init(bufferSize: Int = 10_000) {
        self.bufferSize = bufferSize
    }

    public func publish(_ event: WorkflowEvent) async {
        let targets = state.withLock { s in
            s.subscribers.values.filter { $0.filter == nil || $0.filter == event.workflowID }
        }
        for target in targets {
            target.continuation.yield(event)
            if target.untilFinal && event.isFinal { target.continuation.finish() }
        }
    }

    /// The events of one workflow from now on; the stream ends after the event that finishes it
    /// (WatchWorkflow). Subscribe before reading the current state to miss nothing.
    public func watch(workflowID: String) -> AsyncStream<WorkflowEvent> {
        subscribe(workflowID: workflowID, untilFinal: true)
    }

    /// A stream of every event published from now on (or only `workflowID`'s).
    public func subscribe(workflowID: String? = nil) -> AsyncStream<WorkflowEvent> {
        subscribe(workflowID: workflowID, untilFinal: false)
    }

    private func subscribe(workflowID: String?, untilFinal: Bool) -> AsyncStream<WorkflowEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: WorkflowEvent.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id = state.withLock { s -> Int? in
            guard !s.closed else { return nil }
            s.nextID += 1
            s.subscribers[s.nextID] = (workflowID, untilFinal, continuation)
            return s.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Ends every subscriber's stream, now and for later subscriptions (at shutdown, so that
    /// long-lived watchers do not hold it up).
    public func close() {
        let continuations = state.withLock { s in
            s.closed = true
            defer { s.subscribers.removeAll() }
            return s.subscribers.values.map(\.continuation)
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
