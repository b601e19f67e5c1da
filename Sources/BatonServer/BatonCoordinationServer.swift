import BatonAPI
import BatonRPC
import BatonWorkflow
import Logging
import ServiceLifecycle

/// The coordination server: the workflow engine on a store, and the RPC server exposing
/// WorkflowService, EventService, health and every hosted orchestrator's typed service.
///
/// Run ``services`` in one `ServiceGroup` (in that order): on graceful shutdown the RPC server
/// stops first (health turns NOT_SERVING, GOAWAY, in-flight calls drain), then the engine lets
/// in-flight steps finish or persists them.
public final class BatonCoordinationServer: Sendable {
    public struct Configuration: Sendable {
        /// Where the RPC server listens.
        public var rpc: RPCServer.Configuration
        /// The engine's owner name and leases.
        public var engine: WorkflowEngine.Configuration
        /// The HTTP operations port (`/metrics`, `/healthz`, `/readyz`); nil serves none.
        public var operations: OperationsHTTPServer.Configuration?

        public static var defaults: Configuration { Configuration(rpc: .defaults, engine: .defaults, operations: nil) }

        public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
            var configuration = Configuration.defaults
            configure(&configuration)
            return configuration
        }
    }

    public let engine: WorkflowEngine
    public let rpcServer: RPCServer
    public let health: HealthService
    public let events: InMemoryWorkflowEventBus
    public let router: DomainEventRouter
    public let metrics: BatonMetrics
    public let operations: OperationsHTTPServer?

    /// - Throws: ``WorkflowError`` `invalidArgument` when two orchestrators register the same
    ///   workflow type and version, or a definition is invalid.
    public init(
        configuration: Configuration = .defaults,
        orchestrators: [HostedOrchestrator],
        store: any WorkflowStore,
        clock: any WorkflowClock = SystemWorkflowClock(),
        logger: Logger = Logger(label: "baton.server")
    ) throws {
        let events = InMemoryWorkflowEventBus()
        let engine = try WorkflowEngine(
            definitions: orchestrators.flatMap(\.workflows),
            store: store,
            eventBus: events,
            clock: clock,
            configuration: configuration.engine,
            logger: logger
        )
        let router = DomainEventRouter(listeners: orchestrators.flatMap(\.listeners), engine: engine)
        let health = HealthService()
        let hosted: [any RPCService] = [
            WorkflowAPIService(engine: engine, events: events, clock: clock),
            EventAPIService(router: router, engine: engine, events: events),
            health,
        ] + orchestrators.flatMap { $0.makeServices(engine) }
        let reflection = ReflectionService(files: BatonAPIProtoFiles.all + orchestrators.flatMap(\.protoFiles), hosting: hosted)
        let services = hosted + [reflection]
        let metrics = BatonMetrics(events: events, engine: engine)
        var rpcConfiguration = configuration.rpc
        rpcConfiguration.callObserver = metrics
        self.engine = engine
        self.events = events
        self.router = router
        self.health = health
        self.metrics = metrics
        self.rpcServer = RPCServer(configuration: rpcConfiguration, services: services, logger: logger)
        self.operations = configuration.operations.map {
            OperationsHTTPServer(configuration: $0, metrics: metrics, engine: engine, clock: clock, logger: logger)
        }
        for service in rpcServer.services { health.setStatus(.serving, for: service) }
    }

    /// The long-running parts, in ServiceGroup order (the last listed shuts down first).
    public var services: [any Service] {
        [engine, metrics, rpcServer] + (operations.map { [$0] } ?? [])
    }
}
