import BatonAtomicAPI
import BatonRPC
import BatonRPCAdapterSupport
import OrderFulfillment

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
    public final class RPC: AtomicRPCAdapter {
        public typealias Configuration = AtomicServiceChannels.Configuration
        public typealias Failure = OrderFulfillmentError

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

        /// The balancers, call options and error reading every call goes through.
        public let channels: AtomicServiceChannels
        public let inventoryClient: Baton_Atomic_Inventory_V1_InventoryServiceClient
        public let paymentClient: Baton_Atomic_Payment_V1_PaymentServiceClient
        public let shippingClient: Baton_Atomic_Shipping_V1_ShippingServiceClient
        public let notifierClient: Baton_Atomic_Notifier_V1_NotifierServiceClient
        /// The order of each record this adapter created (reservation, payment, delivery), so
        /// undo calls carry the order id as their correlation id too.
        let orders = CorrelationIDs()

        init(endpoints: Endpoints, configuration: Configuration) {
            let inventory = Baton_Atomic_Inventory_V1_InventoryService.name
            let payment = Baton_Atomic_Payment_V1_PaymentService.name
            let shipping = Baton_Atomic_Shipping_V1_ShippingService.name
            let notifier = Baton_Atomic_Notifier_V1_NotifierService.name
            channels = AtomicServiceChannels(
                [(inventory, endpoints.inventory), (payment, endpoints.payment), (shipping, endpoints.shipping), (notifier, endpoints.notifier)],
                configuration: configuration
            )
            inventoryClient = .init(channels.balancer(inventory))
            paymentClient = .init(channels.balancer(payment))
            shippingClient = .init(channels.balancer(shipping))
            notifierClient = .init(channels.balancer(notifier))
        }

        /// This adapter as the bundle of contracts the orchestrator is built from.
        public var services: OrderFulfillmentServices {
            OrderFulfillmentServices(inventory: self, payments: self, delivery: self, notifications: self)
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
