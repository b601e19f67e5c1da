import BatonRPC
import BatonWorkflow
import Metrics
import Prometheus
import ServiceLifecycle
import Synchronization

/// The server's Prometheus metrics, recorded through swift-metrics into one registry:
///
/// - `workflow_started_total`, `workflow_completed_total`, `workflow_failed_total` (every end other
///   than completed, labelled with the final status), `saga_compensation_total` (compensations
///   started), `workflow_duration_seconds` (creation to end), all by `workflow_type`;
/// - `workflow_active` (unfinished workflows, read from the store at each scrape);
/// - `rpc_requests_total` by `method` and `code`, `rpc_request_duration_seconds` by `method`.
///
/// As a `Service` it follows the engine's lifecycle events until graceful shutdown.
public final class BatonMetrics: Service, RPCCallObserver, Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let events: InMemoryWorkflowEventBus
    private let engine: WorkflowEngine
    private let active: Metrics.Gauge
    /// Workflow type and creation time by workflow id, learned from `WorkflowCreated` (or the store).
    private let identities = Mutex<[String: (type: String, createdAt: WorkflowInstant)]>([:])

    public init(events: InMemoryWorkflowEventBus, engine: WorkflowEngine) {
        self.registry = PrometheusCollectorRegistry()
        self.factory = PrometheusMetricsFactory(registry: registry)
        self.events = events
        self.engine = engine
        self.active = Metrics.Gauge(label: "workflow_active", factory: factory)
    }

    public func run() async throws {
        let stream = events.subscribe(where: Self.counts)
        await cancelWhenGracefulShutdown {
            for await event in stream { await self.record(event) }
        }
        // The bus closes as soon as the RPC server begins to drain; a service must not end
        // before the group shuts it down.
        try? await gracefulShutdown()
    }

    /// The text exposition of every metric, with `workflow_active` refreshed from the store.
    public func exposition() async -> String {
        if let statistics = try? await engine.statistics(since: WorkflowInstant(nanosecondsSinceEpoch: .max)) {
            active.record(statistics.active)
        }
        return registry.emitToString()
    }

    /// The events that move a workflow metric: creations, compensations and ends.
    @Sendable static func counts(_ event: WorkflowEvent) -> Bool {
        switch event.kind {
        case .created, .compensationStarted: true
        default: event.isFinal
        }
    }

    func record(_ event: WorkflowEvent) async {
        let type: String
        var createdAt: WorkflowInstant?
        if case .created(let created, _, _, _, _, _) = event.kind {
            type = created
            identities.withLock { $0[event.workflowID] = (created, event.timestamp) }
            counter("workflow_started_total", type).increment()
        } else if let known = identities.withLock({ $0[event.workflowID] }) {
            type = known.type
            createdAt = known.createdAt
        } else if let snapshot = try? await engine.snapshot(id: event.workflowID) {
            type = snapshot.type
            createdAt = snapshot.createdAt
            if !event.isFinal { identities.withLock { $0[event.workflowID] = (snapshot.type, snapshot.createdAt) } }
        } else {
            return
        }
        switch event.kind {
        case .compensationStarted:
            counter("saga_compensation_total", type).increment()
        case .completed:
            counter("workflow_completed_total", type).increment()
        default:
            break
        }
        guard event.isFinal else { return }
        identities.withLock { _ = $0.removeValue(forKey: event.workflowID) }
        if let status = Self.finalStatus(event.kind), status != .completed {
            Metrics.Counter(label: "workflow_failed_total", dimensions: [("workflow_type", type), ("status", status.rawValue)], factory: factory)
                .increment()
        }
        if let createdAt {
            Metrics.Timer(label: "workflow_duration_seconds", dimensions: [("workflow_type", type)], factory: factory)
                .recordNanoseconds(event.timestamp.nanosecondsSinceEpoch - createdAt.nanosecondsSinceEpoch)
        }
    }

    public func callFinished(method: MethodDescriptor, status: RPCError.Code?, duration: Duration) {
        let name = method.service.isEmpty ? "unknown" : method.path
        Metrics.Counter(label: "rpc_requests_total", dimensions: [("method", name), ("code", status?.description ?? "OK")], factory: factory)
            .increment()
        Metrics.Timer(label: "rpc_request_duration_seconds", dimensions: [("method", name)], factory: factory)
            .record(duration: duration)
    }

    private func counter(_ label: String, _ type: String) -> Metrics.Counter {
        Metrics.Counter(label: label, dimensions: [("workflow_type", type)], factory: factory)
    }

    private static func finalStatus(_ kind: WorkflowEvent.Kind) -> WorkflowStatus? {
        switch kind {
        case .completed: .completed
        case .compensated: .compensated
        case .cancelled: .cancelled
        case .failed: .failed
        case .compensationStepFailed: .compensationFailed
        default: nil
        }
    }
}
