import BatonAtomicAPI
import BatonRPC
import Logging
import OrderFulfillment
import OrderFulfillmentInMemory
import OrderFulfillmentRPC

/// The reference atomic services — inventory, payment, shipping, notifier — served over gRPC
/// with their truth in memory.
///
/// Their behaviour is the in-memory adapter's (``OrderFulfillmentAdapters/InMemory``), reused,
/// not re-implemented: stock runs out, charges past a customer's limit are declined,
/// idempotency keys are honoured per operation, unknown ids are not found. The handlers only
/// translate messages to contract calls and ``OrderFulfillmentError`` to gRPC statuses (see
/// `OrderFulfillmentError.rpcError`).
///
/// Faults and latency can be injected at start (``Configuration``), by the admin
/// `baton.atomic.faults.v1.FaultInjectionService`, or per call with the request metadata
/// `x-baton-fault: CODE` and `x-baton-latency-ms: N`.
///
/// ```swift
/// let services = ReferenceServices(configuration: .defaults { $0.latency = .milliseconds(5) })
/// let server = services.makeServer(.defaults { $0.port = 7080 })
/// // run `server` in a ServiceGroup; restart another `makeServer` later on the same truth
/// ```
public final class ReferenceServices: Sendable {
    public struct Configuration: Sendable {
        /// Latency added to every call that has an effect (reserve, release, charge, refund,
        /// schedule, cancel, notify). Nil: none.
        public var latency: Duration?
        /// Failures to inject at start (`baton services --fail METHOD=COUNT:CODE`).
        public var failures: [FailureRule] = []
        /// The payment limit of customers without their own; nil means no limit.
        public var defaultPaymentLimitMinor: Int64?

        public init() {}

        public static var defaults: Configuration { Configuration() }

        public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
            var configuration = Configuration()
            configure(&configuration)
            return configuration
        }
    }

    /// "Fail the next `count` calls of `method` with `code`", e.g. parsed from `Charge=2:UNAVAILABLE`.
    public struct FailureRule: Sendable, Hashable, CustomStringConvertible {
        /// A method name (`Charge`) or path (`baton.atomic.payment.v1.PaymentService/Charge`).
        public var method: String
        public var count: Int
        /// A gRPC status name (`UNAVAILABLE`) or a refusal (`PAYMENT_DECLINED`).
        public var code: String
        /// Whether the call takes effect and only its answer is lost.
        public var afterEffect: Bool

        public init(method: String, count: Int, code: String, afterEffect: Bool = false) {
            self.method = method
            self.count = count
            self.code = code
            self.afterEffect = afterEffect
        }

        /// Parses `METHOD=COUNT:CODE`, optionally followed by `:after-effect`.
        public init?(parsing text: String) {
            let parts = text.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            let fields = parts[1].split(separator: ":")
            guard (2...3).contains(fields.count), let count = Int(fields[0]), count > 0 else { return nil }
            guard fields.count == 2 || fields[2] == "after-effect" else { return nil }
            self.init(method: String(parts[0]), count: count, code: String(fields[1]), afterEffect: fields.count == 3)
        }

        public var description: String { "\(method)=\(count):\(code)\(afterEffect ? ":after-effect" : "")" }
    }

    /// The methods that have an effect, with the in-memory operation that implements them.
    static let operations: [(method: MethodDescriptor, operation: OrderFulfillmentAdapters.InMemory.Operation)] = [
        (Baton_Atomic_Inventory_V1_InventoryService.Method.reserve, .reserve),
        (Baton_Atomic_Inventory_V1_InventoryService.Method.release, .release),
        (Baton_Atomic_Payment_V1_PaymentService.Method.charge, .charge),
        (Baton_Atomic_Payment_V1_PaymentService.Method.refund, .refund),
        (Baton_Atomic_Shipping_V1_ShippingService.Method.scheduleDelivery, .schedule),
        (Baton_Atomic_Shipping_V1_ShippingService.Method.cancelDelivery, .cancelDelivery),
        (Baton_Atomic_Notifier_V1_NotifierService.Method.sendOrderConfirmation, .notify),
    ]

    /// The fully qualified names of the atomic services hosted (health reports each).
    public static let serviceNames = [
        Baton_Atomic_Inventory_V1_InventoryService.name,
        Baton_Atomic_Payment_V1_PaymentService.name,
        Baton_Atomic_Shipping_V1_ShippingService.name,
        Baton_Atomic_Notifier_V1_NotifierService.name,
    ]

    /// The truth behind every service.
    public let backend: OrderFulfillmentAdapters.InMemory
    public let configuration: Configuration
    let logger: Logger

    /// - Throws: ``ReferenceServicesError`` for a failure rule naming an unknown method or code.
    public init(configuration: Configuration = .defaults, logger: Logger = Logger(label: "baton.reference-services")) throws {
        self.configuration = configuration
        self.logger = logger
        self.backend = OrderFulfillmentAdapters.inMemory(.defaults { $0.defaultPaymentLimitMinor = configuration.defaultPaymentLimitMinor })
        if let latency = configuration.latency {
            for (_, operation) in Self.operations { backend.addLatency(latency, to: operation) }
        }
        for rule in configuration.failures {
            try failNext(rule)
        }
    }

    /// The RPC services to host: the four atomic services, fault injection, health (SERVING for
    /// each atomic service and the whole server) and reflection. Make a fresh list per server.
    public func makeRPCServices() -> [any RPCService] {
        let health = HealthService()
        for name in Self.serviceNames { health.setStatus(.serving, for: name) }
        let services: [any RPCService] = [
            InventoryServiceHandler(host: self),
            PaymentServiceHandler(host: self),
            ShippingServiceHandler(host: self),
            NotifierServiceHandler(host: self),
            FaultInjectionServiceHandler(host: self),
            health,
        ]
        return services + [ReflectionService(files: BatonAtomicAPIProtoFiles.all, hosting: services)]
    }

    /// A server hosting ``makeRPCServices()``; run it as a `Service`. Several servers made one
    /// after the other (a restart on the same port) share this truth.
    public func makeServer(_ configuration: RPCServer.Configuration = .defaults) -> RPCServer {
        RPCServer(configuration: configuration, services: makeRPCServices(), logger: logger)
    }

    // MARK: Fault injection

    /// Fails the next calls of a method (see ``FailureRule``).
    ///
    /// - Throws: ``ReferenceServicesError`` for a method without an effect or an unknown code.
    public func failNext(_ rule: FailureRule) throws(ReferenceServicesError) {
        let operation = try Self.operation(rule.method)
        guard let error = OrderFulfillmentError(injecting: rule.code, message: "") else {
            throw ReferenceServicesError("unknown status code '\(rule.code)' (use a gRPC name such as UNAVAILABLE, or PAYMENT_DECLINED, …)")
        }
        backend.failNext(rule.count, of: operation, with: error.code, afterEffect: rule.afterEffect)
    }

    /// Delays the next `calls` calls of a method by `latency`.
    ///
    /// - Throws: ``ReferenceServicesError`` for a method without an effect.
    public func addLatency(_ latency: Duration, to method: String, calls: Int = .max) throws(ReferenceServicesError) {
        backend.addLatency(latency, to: try Self.operation(method), calls: calls)
    }

    static func operation(_ method: String) throws(ReferenceServicesError) -> OrderFulfillmentAdapters.InMemory.Operation {
        guard let found = operations.first(where: { $0.method.method == method || $0.method.path == method || $0.method.path == "/" + method }) else {
            let known = operations.map(\.method.method).joined(separator: ", ")
            throw ReferenceServicesError("faults and latency can be injected into \(known), not '\(method)'")
        }
        return found.operation
    }
}

/// A reference service was asked for something it cannot do (an unknown method or code).
public struct ReferenceServicesError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
