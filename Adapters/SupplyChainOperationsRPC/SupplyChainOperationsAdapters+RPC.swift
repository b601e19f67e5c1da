import BatonAtomicAPI
import BatonRPC
import BatonRPCAdapterSupport
import SupplyChainOperations

extension SupplyChainOperationsAdapters {
    /// SupplyChainOperations' contracts on the atomic services (sales, returns and sales
    /// history; procurement; warehouse; receivables; valuation) over gRPC, through their
    /// generated clients.
    ///
    /// Each service is called through a ``LoadBalancedRPCClient`` over its endpoints
    /// (round-robin, a circuit breaker per endpoint, health checks for the service's name).
    /// Every call carries the step's idempotency key, a deadline (`grpc-timeout`,
    /// ``Configuration/timeout``, bounded inside a step by the step's time remaining) and a
    /// correlation id (the workflow's inside a step, else the record's business reference).
    /// Statuses come back as ``SupplyChainError``: UNAVAILABLE and DEADLINE_EXCEEDED stay
    /// retryable; refusals (FAILED_PRECONDITION, with `baton-error-reason` INSUFFICIENT_STOCK for
    /// missing stock, NOT_FOUND, INVALID_ARGUMENT) do not.
    ///
    /// Run ``backgroundServices`` (the balancers' health checks) in the composition root's
    /// `ServiceGroup`; without them every endpoint counts as healthy and only the breakers act.
    public final class RPC: AtomicRPCAdapter {
        public typealias Configuration = AtomicServiceChannels.Configuration
        public typealias Failure = SupplyChainError

        /// Where each atomic service runs.
        public struct Endpoints: Sendable, Hashable {
            /// Sales orders, returns and sales history (`baton.atomic.sales.v1`).
            public var sales: [LoadBalancedRPCClient.Endpoint]
            public var procurement: [LoadBalancedRPCClient.Endpoint]
            public var warehouse: [LoadBalancedRPCClient.Endpoint]
            public var receivable: [LoadBalancedRPCClient.Endpoint]
            public var valuation: [LoadBalancedRPCClient.Endpoint]

            public init(
                sales: [LoadBalancedRPCClient.Endpoint],
                procurement: [LoadBalancedRPCClient.Endpoint],
                warehouse: [LoadBalancedRPCClient.Endpoint],
                receivable: [LoadBalancedRPCClient.Endpoint],
                valuation: [LoadBalancedRPCClient.Endpoint]
            ) {
                self.sales = sales
                self.procurement = procurement
                self.warehouse = warehouse
                self.receivable = receivable
                self.valuation = valuation
            }

            /// Every service on the same endpoints (processes like `baton services` host them all).
            public static func all(_ endpoints: [LoadBalancedRPCClient.Endpoint]) -> Endpoints {
                Endpoints(sales: endpoints, procurement: endpoints, warehouse: endpoints, receivable: endpoints, valuation: endpoints)
            }
        }

        /// The balancers, call options and error reading every call goes through.
        public let channels: AtomicServiceChannels
        public let salesClient: Baton_Atomic_Sales_V1_SalesServiceClient
        public let returnClient: Baton_Atomic_Sales_V1_ReturnServiceClient
        public let salesHistoryClient: Baton_Atomic_Sales_V1_SalesHistoryServiceClient
        public let procurementClient: Baton_Atomic_Procurement_V1_ProcurementServiceClient
        public let warehouseClient: Baton_Atomic_Warehouse_V1_WarehouseServiceClient
        public let receivableClient: Baton_Atomic_Receivable_V1_ReceivableServiceClient
        public let valuationClient: Baton_Atomic_Valuation_V1_ValuationServiceClient
        /// The business reference of each record this adapter created, so undo calls carry it
        /// as their correlation id too.
        let references = CorrelationIDs()

        init(endpoints: Endpoints, configuration: Configuration) {
            let sales = Baton_Atomic_Sales_V1_SalesService.name
            let returns = Baton_Atomic_Sales_V1_ReturnService.name
            let history = Baton_Atomic_Sales_V1_SalesHistoryService.name
            let procurement = Baton_Atomic_Procurement_V1_ProcurementService.name
            let warehouse = Baton_Atomic_Warehouse_V1_WarehouseService.name
            let receivable = Baton_Atomic_Receivable_V1_ReceivableService.name
            let valuation = Baton_Atomic_Valuation_V1_ValuationService.name
            channels = AtomicServiceChannels(
                [
                    (sales, endpoints.sales), (returns, endpoints.sales), (history, endpoints.sales), (procurement, endpoints.procurement),
                    (warehouse, endpoints.warehouse), (receivable, endpoints.receivable), (valuation, endpoints.valuation),
                ],
                configuration: configuration
            )
            salesClient = .init(channels.balancer(sales))
            returnClient = .init(channels.balancer(returns))
            salesHistoryClient = .init(channels.balancer(history))
            procurementClient = .init(channels.balancer(procurement))
            warehouseClient = .init(channels.balancer(warehouse))
            receivableClient = .init(channels.balancer(receivable))
            valuationClient = .init(channels.balancer(valuation))
        }

        /// This adapter as the bundle of contracts the orchestrator is built from.
        public var services: SupplyChainOperationsServices {
            SupplyChainOperationsServices(
                salesOrders: self, purchaseOrders: self, stock: self, transfers: self,
                receivables: self, returns: self, salesHistory: self, valuation: self
            )
        }
    }

    /// SupplyChainOperations' contracts on atomic services that all run on `endpoints` (e.g.
    /// one or several `baton services` processes).
    public static func rpc(endpoints: [LoadBalancedRPCClient.Endpoint], configuration: RPC.Configuration = .defaults) -> RPC {
        RPC(endpoints: .all(endpoints), configuration: configuration)
    }

    /// SupplyChainOperations' contracts on atomic services, each on its own endpoints.
    public static func rpc(_ endpoints: RPC.Endpoints, configuration: RPC.Configuration = .defaults) -> RPC {
        RPC(endpoints: endpoints, configuration: configuration)
    }
}
