public import BatonRPCAdapterSupport
public import BatonReferenceServices
public import BatonWorkflow
import BatonWorkflowSQLite

/// What an end-to-end test of one orchestrator drives: reference services on 127.0.0.1, the
/// orchestrator's RPC adapter on them, the orchestrator built on the adapter, and a workflow
/// engine (system clock) on a fresh SQLite file.
public struct EndToEndHarness<Adapter: AtomicRPCAdapter, Orchestrator: Sendable>: Sendable {
    public let services: RunningReferenceServices
    public let adapter: Adapter
    public let orchestrator: Orchestrator
    public let engine: WorkflowEngine
    let store = TemporarySQLitePath()

    /// - Parameters:
    ///   - seed: Puts the test's facts into the fresh services' truth before anything runs.
    ///   - adapter: The RPC adapter over the services.
    ///   - orchestrator: The orchestrator on the adapter.
    ///   - workflows: The orchestrator's workflow definitions, registered on the engine.
    public init(
        seed: (ReferenceServices) -> Void = { _ in },
        adapter makeAdapter: (RunningReferenceServices) -> Adapter,
        orchestrator makeOrchestrator: (Adapter) -> Orchestrator,
        workflows: (Orchestrator) -> [WorkflowDefinition]
    ) async throws {
        services = try await RunningReferenceServices.started()
        seed(services.references)
        adapter = makeAdapter(services)
        orchestrator = makeOrchestrator(adapter)
        engine = try WorkflowEngine(definitions: workflows(orchestrator), store: try SQLiteWorkflowStore(path: store.path), clock: SystemWorkflowClock())
    }

    /// Closes the adapter, stops the services and deletes the store.
    public func tearDown() async {
        await adapter.close()
        await services.stop()
        store.remove()
    }
}
