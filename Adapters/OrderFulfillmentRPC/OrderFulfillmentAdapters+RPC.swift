import BatonAtomicAPI
import BatonRPC
import OrderFulfillment
import ServiceLifecycle
import Synchronization

extension OrderFulfillmentAdapters {
    /// OrderFulfillment's contracts on the atomic services (inventory, payment, shipping,
    /// notifier) over gRPC, through their generated clients.
    ///
    /// Each service is called through a ``LoadBalancedRPCClient`` over its endpoints
    /// (round-robin, a circuit breaker per endpoint, health checks for the service's name).
    /// Every call carries the step's idempotency key, a deadline (`grpc-timeout`,
    /// ``Configuration/timeout``) and the order id as `x-correlation-id`. Statuses come back as
    /// ``OrderFulfillmentError``: UNAVAILABLE and DEADLINE_EXCEEDED stay retryable; refusals
    /// (FAILED_PRECONDITION with a `baton-error-reason`, NOT_FOUND, INVALID_ARGUMENT) do not.
    ///
    /// Run ``backgroundServices`` (the balancers' health checks) in the composition root's
    /// `ServiceGroup`; without them every endpoint counts as healthy and only the breakers act.
    public final class RPC: Sendable {
        public struct Configuration: Sendable {
            /// The deadline of every call, sent as `grpc-timeout`; nil sends none.
            public var timeout: Duration? = .seconds(5)
            /// Breakers, health-check cadence and connections of each service's balancer (its
            /// `healthCheckService` is set to the service's name).
            public var balancer: LoadBalancedRPCClient.Configuration = .defaults

            public init() {}

            public static var defaults: Configuration { Configuration() }

            public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
                var configuration = Configuration()
                configure(&configuration)
                return configuration
            }
        }

        /// Where each atomic service runs.
        public struct Endpoints: Sendable, Hashable {
            public var inventory: [LoadBalancedRPCClient.Endpoint]
            public var payment: [LoadBalancedRPCClient.Endpoint]
            public var shipping: [LoadBalancedRPCClient.Endpoint]
            public var notifier: [LoadBalancedRPCClient.Endpoint]

            public init(
                inventory: [LoadBalancedRPCClient.Endpoint],
                payment: [LoadBalancedRPCClient.Endpoint],
                shipping: [LoadBalancedRPCClient.Endpoint],
                notifier: [LoadBalancedRPCClient.Endpoint]
            ) {
                self.inventory = inventory
                self.payment = payment
                self.shipping = shipping
                self.notifier = notifier
            }

            /// Every service on the same endpoints (processes like `baton services` host all four).
            public static func all(_ endpoints: [LoadBalancedRPCClient.Endpoint]) -> Endpoints {
                Endpoints(inventory: endpoints, payment: endpoints, shipping: endpoints, notifier: endpoints)
            }
        }

        public let configuration: Configuration
        public let inventoryClient: Baton_Atomic_Inventory_V1_InventoryServiceClient
        public let paymentClient: Baton_Atomic_Payment_V1_PaymentServiceClient
        public let shippingClient: Baton_Atomic_Shipping_V1_ShippingServiceClient
        public let notifierClient: Baton_Atomic_Notifier_V1_NotifierServiceClient
        /// One balancer per service, in the order inventory, payment, shipping, notifier.
        public let balancers: [LoadBalancedRPCClient]
        /// The order of each record this adapter created (reservation, payment, delivery), so
        /// undo calls carry the order id as their correlation id too.
        private let orders = Mutex<[String: String]>([:])
        private static let ordersRemembered = 10_000

        init(endpoints: Endpoints, configuration: Configuration) {
            func balancer(_ service: String, _ endpoints: [LoadBalancedRPCClient.Endpoint]) -> LoadBalancedRPCClient {
                var balancerConfiguration = configuration.balancer
                balancerConfiguration.healthCheckService = service
                return LoadBalancedRPCClient(endpoints: endpoints, configuration: balancerConfiguration)
            }
            let inventory = balancer(Baton_Atomic_Inventory_V1_InventoryService.name, endpoints.inventory)
            let payment = balancer(Baton_Atomic_Payment_V1_PaymentService.name, endpoints.payment)
            let shipping = balancer(Baton_Atomic_Shipping_V1_ShippingService.name, endpoints.shipping)
            let notifier = balancer(Baton_Atomic_Notifier_V1_NotifierService.name, endpoints.notifier)
            self.configuration = configuration
            self.balancers = [inventory, payment, shipping, notifier]
            self.inventoryClient = .init(inventory)
            self.paymentClient = .init(payment)
            self.shippingClient = .init(shipping)
            self.notifierClient = .init(notifier)
        }

        /// This adapter as the bundle of contracts the orchestrator is built from.
        public var services: OrderFulfillmentServices {
            OrderFulfillmentServices(inventory: self, payments: self, delivery: self, notifications: self)
        }

        /// What must run beside the orchestrator: the balancers (health checks; they close
        /// their connections on graceful shutdown).
        public var backgroundServices: [any Service] { balancers }

        /// Closes every connection (when ``backgroundServices`` are not run).
        public func close() async {
            for balancer in balancers { await balancer.close() }
        }

        // MARK: Calls

        /// Runs one call with this adapter's deadline and `correlationID`, reading a failed
        /// status as an ``OrderFulfillmentError``.
        func call<Response>(correlationID: String?, _ body: (CallOptions) async throws -> Response) async throws -> Response {
            var options = CallOptions(timeout: configuration.timeout)
            if let correlationID, !correlationID.isEmpty { options.metadata.append(AtomicMetadata.correlationID, correlationID) }
            do {
                return try await body(options)
            } catch let error as RPCError {
                throw OrderFulfillmentError(error)
            }
        }

        func remember(_ recordID: String, order orderID: String) {
            orders.withLock { orders in
                if orders.count >= Self.ordersRemembered { orders.removeAll(keepingCapacity: true) }
                orders[recordID] = orderID
            }
        }

        func order(of recordID: String) -> String? {
            orders.withLock { $0[recordID] }
        }
    }

    /// OrderFulfillment's contracts on atomic services that all run on `endpoints` (e.g. one or
    /// several `baton services` processes).
    public static func rpc(endpoints: [LoadBalancedRPCClient.Endpoint], configuration: RPC.Configuration = .defaults) -> RPC {
        RPC(endpoints: .all(endpoints), configuration: configuration)
    }

    /// OrderFulfillment's contracts on atomic services, each on its own endpoints.
    public static func rpc(_ endpoints: RPC.Endpoints, configuration: RPC.Configuration = .defaults) -> RPC {
        RPC(endpoints: endpoints, configuration: configuration)
    }
}
