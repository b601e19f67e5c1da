import BatonAtomicAPI
import BatonRPC
import IdentityOperations
import IdentityOperationsInMemory
import Logging
import OrderFulfillment
import OrderFulfillmentInMemory
import SupplyChainOperations
import SupplyChainOperationsInMemory

/// The reference atomic services, served over gRPC with their truth in memory: one family per
/// orchestrator — inventory, payment, shipping and the order notifier for OrderFulfillment;
/// users and MFA, tenants, audit, sessions and the user notifier for IdentityOperations; sales
/// (orders, returns, history), procurement, warehouse, receivables and valuation for
/// SupplyChainOperations.
///
/// Each family's behaviour is its orchestrator's in-memory adapter's, reused, not
/// re-implemented: stock runs out, charges past a customer's limit are declined, emails are
/// unique, idempotency keys are honoured per operation, unknown ids are not found. The handlers
/// only translate messages to contract calls and the orchestrator's error to gRPC statuses (see
/// `AtomicStatusError.rpcError`).
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
        /// Latency added to every call that has an effect (reserve, charge, create user, add
        /// member, …). Nil: none.
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

    /// The fully qualified names of the atomic services hosted (health reports each).
    public static let serviceNames =
        ReferenceFamily.orderFulfillmentServiceNames + ReferenceFamily.identityServiceNames + ReferenceFamily.supplyChainServiceNames

    /// OrderFulfillment's truth: stock, payments, deliveries, order confirmations.
    public let orders: OrderFulfillmentAdapters.InMemory
    /// IdentityOperations' truth: users, tenants, audit trail, messages, sessions, MFA.
    public let identity: IdentityOperationsAdapters.InMemory
    /// SupplyChainOperations' truth: sales and purchase orders, warehouse stock, transfers,
    /// returns, invoices, credit notes, valuation, sales history.
    public let supplyChain: SupplyChainOperationsAdapters.InMemory
    public let configuration: Configuration
    let logger: Logger
    let families: [ReferenceFamily]

    /// - Throws: ``ReferenceServicesError`` for a failure rule naming an unknown method or code.
    public init(configuration: Configuration = .defaults, logger: Logger = Logger(label: "baton.reference-services")) throws {
        self.configuration = configuration
        self.logger = logger
        self.orders = OrderFulfillmentAdapters.inMemory(.defaults { $0.defaultPaymentLimitMinor = configuration.defaultPaymentLimitMinor })
        self.identity = IdentityOperationsAdapters.inMemory()
        self.supplyChain = SupplyChainOperationsAdapters.inMemory()
        self.families = [.orderFulfillment(orders), .identity(identity), .supplyChain(supplyChain)]
        if let latency = configuration.latency {
            for operation in families.flatMap(\.operations) { operation.addLatency(latency, .max) }
        }
        for rule in configuration.failures {
            try failNext(rule)
        }
    }

    /// The RPC services to host: every family's atomic services, fault injection, health
    /// (SERVING for each atomic service and the whole server) and reflection. Make a fresh list
    /// per server.
    public func makeRPCServices() -> [any RPCService] {
        let health = HealthService()
        for name in Self.serviceNames { health.setStatus(.serving, for: name) }
        let services: [any RPCService] = families.flatMap { $0.makeHandlers(self) } + [FaultInjectionServiceHandler(host: self), health]
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
        guard try operation(rule.method).failNext(rule.count, rule.code, rule.afterEffect) else {
            throw ReferenceServicesError("unknown status code '\(rule.code)' (use a gRPC name such as UNAVAILABLE, or PAYMENT_DECLINED, …)")
        }
    }

    /// Delays the next `calls` calls of a method by `latency`.
    ///
    /// - Throws: ``ReferenceServicesError`` for a method without an effect.
    public func addLatency(_ latency: Duration, to method: String, calls: Int = .max) throws(ReferenceServicesError) {
        try operation(method).addLatency(latency, calls)
    }

    func operation(_ method: String) throws(ReferenceServicesError) -> InjectableOperation {
        let operations = families.flatMap(\.operations)
        guard let found = operations.first(where: { $0.isNamed(method) }) else {
            let known = operations.map(\.method.method).joined(separator: ", ")
            throw ReferenceServicesError("faults and latency can be injected into \(known), not '\(method)'")
        }
        return found
    }
}

/// A reference service was asked for something it cannot do (an unknown method or code).
public struct ReferenceServicesError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
