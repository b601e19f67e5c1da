import BatonWorkflow
import Logging

/// The SupplyChainOperations orchestrator: the DropshipOrder and ReturnMerchandise workflows,
/// the listeners that signal them, and the AvailableToPromise, LandedCost, ReplenishmentForecast
/// and WarehouseBalancing coordinators. It owns the flow; every fact lives behind
/// ``SupplyChainOperationsServices``.
///
/// ```swift
/// let supply = SupplyChainOperationsOrchestrator(services: services, logger: logger)
/// let engine = try WorkflowEngine(definitions: supply.workflows, store: store)
/// let router = DomainEventRouter(listeners: supply.listeners, engine: engine)
/// try await supply.dropshipOrder(request, engine: engine)
/// ```
public struct SupplyChainOperationsOrchestrator: Sendable {
    /// Timeouts and retries of the workflows.
    public struct Configuration: Sendable, Hashable {
        /// Retries of every service call (and, with more attempts, of every compensation).
        public var retry: RetryPolicy
        public var compensationRetry: RetryPolicy
        /// The longest one service-call attempt may take; nil for no limit.
        public var callTimeout: Duration?
        /// How long DropshipOrder waits for the vendor's shipment before it compensates.
        public var shipmentTimeout: Duration
        /// How long ReturnMerchandise waits for the returned goods before it cancels the authorization.
        public var returnReceiptTimeout: Duration

        public static let defaults = Configuration(
            retry: RetryPolicy(maxAttempts: 5),
            compensationRetry: RetryPolicy(maxAttempts: 10, backoff: .exponential(initial: .milliseconds(500), maximum: .seconds(60), jitter: 0.2)),
            callTimeout: .seconds(10),
            shipmentTimeout: .seconds(7 * 24 * 3600),
            returnReceiptTimeout: .seconds(30 * 24 * 3600)
        )

        public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
            var configuration = Configuration.defaults
            configure(&configuration)
            return configuration
        }
    }

    /// The stable workflow type names.
    public enum WorkflowTypes {
        public static let dropshipOrder = "DropshipOrder"
        public static let returnMerchandise = "ReturnMerchandise"
    }

    /// The signal names the workflows wait for; the domain events of the same names deliver them.
    public enum Signals {
        /// The vendor shipped a dropship order; payload ``ShipmentNotice``.
        public static let shipmentDispatched = "ShipmentDispatched"
        /// The warehouse received a return; payload ``ReturnReceipt``.
        public static let returnReceived = "ReturnReceived"
    }

    public let services: SupplyChainOperationsServices
    public let configuration: Configuration
    let logger: Logger

    public init(services: SupplyChainOperationsServices, configuration: Configuration = .defaults, logger: Logger = Logger(label: "baton.supply-chain")) {
        self.services = services
        self.configuration = configuration
        self.logger = logger
    }

    /// The workflow definitions to register with the engine.
    public var workflows: [WorkflowDefinition] {
        [dropshipOrderWorkflow, returnMerchandiseWorkflow]
    }

    /// The listeners to register with the domain-event router: a `ShipmentDispatched` event
    /// signals the waiting DropshipOrder of its order reference, a `ReturnReceived` event the
    /// ReturnMerchandise of its return reference.
    public var listeners: [any DomainEventListener] {
        [
            SignalWaitingWorkflow(name: "supply-chain.shipment-dispatched", eventType: Signals.shipmentDispatched, workflowType: WorkflowTypes.dropshipOrder, logger: logger),
            SignalWaitingWorkflow(name: "supply-chain.return-received", eventType: Signals.returnReceived, workflowType: WorkflowTypes.returnMerchandise, logger: logger),
        ]
    }

    /// The engine configuration shared by both workflows.
    var workflowConfiguration: WorkflowDefinition.Configuration {
        .defaults {
            $0.retry = configuration.retry
            $0.compensationRetry = configuration.compensationRetry
        }
    }
}
