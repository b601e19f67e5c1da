import Synchronization

/// Delivers published domain events to the listeners registered for their type, once per event id.
///
/// De-duplication remembers the most recent `deduplicationWindow` event ids in memory; listeners
/// stay idempotent on their own for duplicates older than that or arriving after a restart.
public final class DomainEventRouter: Sendable {
    /// What happened to one published event.
    public struct Delivery: Sendable, Hashable {
        /// The event id was seen before; no listener ran.
        public var duplicate: Bool
        /// The listeners that handled the event without error, by name.
        public var handledBy: [String]
        /// Listeners that threw, by name, with the error's description.
        public var failures: [String: String]
        /// The names among `failures` whose listener refused the event itself: its payload does
        /// not decode, or the listener or the engine called it invalid (`INVALID_ARGUMENT`).
        /// Publishing the same event again cannot succeed; the other failures may pass later.
        public var refusedBy: Set<String>

        public init(duplicate: Bool, handledBy: [String], failures: [String: String], refusedBy: Set<String> = []) {
            self.duplicate = duplicate
            self.handledBy = handledBy
            self.failures = failures
            self.refusedBy = refusedBy
        }
    }

    private struct State {
        var seen: Set<String> = []
        var order: [String] = []
        var head = 0
    }

    private let listeners: [any DomainEventListener]
    private let engine: WorkflowEngine
    private let deduplicationWindow: Int
    private let state = Mutex(State())

    public init(listeners: [any DomainEventListener], engine: WorkflowEngine, deduplicationWindow: Int = 100_000) {
        self.listeners = listeners
        self.engine = engine
        self.deduplicationWindow = max(1, deduplicationWindow)
    }

    /// Every event type some listener handles.
    public var eventTypes: Set<String> {
        listeners.reduce(into: []) { $0.formUnion($1.eventTypes) }
    }

    /// Routes `event` to its listeners, unless its id was already published.
    ///
    /// - Throws: ``WorkflowError`` `invalidArgument` for an event without a type or an id.
    public func publish(_ event: DomainEvent) async throws(WorkflowError) -> Delivery {
        guard !event.type.isEmpty, !event.id.isEmpty else {
            throw WorkflowError(code: .invalidArgument, message: "a domain event needs a type and an id")
        }
        guard remember(event.id) else { return Delivery(duplicate: true, handledBy: [], failures: [:]) }
        var delivery = Delivery(duplicate: false, handledBy: [], failures: [:])
        for listener in listeners where listener.eventTypes.contains(event.type) {
            do {
                try await listener.handle(event, engine: engine)
                delivery.handledBy.append(listener.name)
            } catch let error as DecodingError {
                delivery.failures[listener.name] = "its payload does not decode: \(error.summary)"
                delivery.refusedBy.insert(listener.name)
            } catch {
                delivery.failures[listener.name] = String(describing: error)
                let invalid = (error as? WorkflowError)?.code == .invalidArgument || StepError(classifying: error).code == .invalidArgument
                if invalid { delivery.refusedBy.insert(listener.name) }
            }
        }
        if !delivery.failures.isEmpty { forget(event.id) }  // a failed delivery may be published again
        return delivery
    }

    /// Records `id`; false when it was already recorded.
    private func remember(_ id: String) -> Bool {
        state.withLock { state in
            guard state.seen.insert(id).inserted else { return false }
            if state.order.count < deduplicationWindow {
                state.order.append(id)
            } else {
                state.seen.remove(state.order[state.head])
                state.order[state.head] = id
                state.head = (state.head + 1) % deduplicationWindow
            }
            return true
        }
    }

    private func forget(_ id: String) {
        _ = state.withLock { $0.seen.remove(id) }
    }
}
