public import BatonRPC
public import ServiceLifecycle
import BatonAtomicAPI
import BatonWorkflow
import Synchronization

/// What an RPC adapter's calls to its atomic services share: one ``LoadBalancedRPCClient`` per
/// service (round-robin over its endpoints, a circuit breaker per endpoint, health checks for
/// the service's name), the call options of every call (deadline, correlation id), and the
/// reading of a failed status as the orchestrator's error.
public final class AtomicServiceChannels: Sendable {
    /// How an RPC adapter calls its services.
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

    public let configuration: Configuration
    /// One balancer per service, in the order the services were given.
    public let balancers: [LoadBalancedRPCClient]

    /// Balancers for `services` (fully qualified service name, endpoints), in that order.
    public init(_ services: [(name: String, endpoints: [LoadBalancedRPCClient.Endpoint])], configuration: Configuration) {
        self.configuration = configuration
        self.balancers = services.map { service in
            var balancerConfiguration = configuration.balancer
            balancerConfiguration.healthCheckService = service.name
            return LoadBalancedRPCClient(endpoints: service.endpoints, configuration: balancerConfiguration)
        }
    }

    /// The balancer of the service with that name.
    public func balancer(_ service: String) -> LoadBalancedRPCClient {
        guard let found = balancers.first(where: { $0.configuration.healthCheckService == service }) else {
            preconditionFailure("no channel to \(service)")
        }
        return found
    }

    /// What must run beside the orchestrator: the balancers (health checks; they close their
    /// connections on graceful shutdown).
    public var backgroundServices: [any Service] { balancers }

    /// Closes every connection (when ``backgroundServices`` are not run).
    public func close() async {
        for balancer in balancers { await balancer.close() }
    }

    /// The options of one call. Inside a workflow step (``StepContext/current``), the deadline
    /// is the earlier of the configured ``Configuration/timeout`` and the step's time remaining,
    /// and `x-correlation-id` is the workflow's correlation id; elsewhere they are the
    /// configured timeout and `correlationID` (the business id the adapter knows, e.g. the order).
    public func callOptions(correlationID: String?) -> CallOptions {
        let step = StepContext.current
        let timeout = [configuration.timeout, step?.timeRemaining].compactMap { $0 }.min()
        var options = CallOptions(timeout: timeout)
        if let correlationID = step?.correlationID ?? correlationID, !correlationID.isEmpty {
            options.metadata.append(AtomicMetadata.correlationID, correlationID)
        }
        return options
    }

    /// Runs one call with ``callOptions(correlationID:)``, reading a failed status as `Failure`.
    public func call<Failure: AtomicStatusError, Response>(
        failingWith _: Failure.Type,
        correlationID: String?,
        _ body: (CallOptions) async throws -> Response
    ) async throws -> Response {
        do {
            return try await body(callOptions(correlationID: correlationID))
        } catch let error as RPCError {
            throw Failure(error)
        }
    }
}

/// The business id each record an adapter created belongs to (a reservation's order, a
/// session's user), so that undo calls, which name only the record, carry the same correlation
/// id as the call that created it. Forgets everything past a bound.
public final class CorrelationIDs: Sendable {
    private let owners = Mutex<[String: String]>([:])
    private let bound: Int

    public init(bound: Int = 10_000) {
        self.bound = bound
    }

    public func remember(_ recordID: String, belongsTo correlationID: String) {
        owners.withLock { owners in
            if owners.count >= bound { owners.removeAll(keepingCapacity: true) }
            owners[recordID] = correlationID
        }
    }

    public func owner(of recordID: String) -> String? {
        owners.withLock { $0[recordID] }
    }
}

/// An orchestrator's RPC adapter: its contracts on atomic services reached through
/// ``channels``. Gives every adapter the same lifecycle and call helper.
public protocol AtomicRPCAdapter: Sendable {
    /// The orchestrator's error that failed statuses are read as.
    associatedtype Failure: AtomicStatusError
    /// The balancers, call options and error reading every call goes through.
    var channels: AtomicServiceChannels { get }
}

extension AtomicRPCAdapter {
    public var configuration: AtomicServiceChannels.Configuration { channels.configuration }

    /// One balancer per service, in the order the adapter declares its services.
    public var balancers: [LoadBalancedRPCClient] { channels.balancers }

    /// What must run beside the orchestrator: the balancers (health checks; they close their
    /// connections on graceful shutdown).
    public var backgroundServices: [any Service] { channels.backgroundServices }

    /// Closes every connection (when ``backgroundServices`` are not run).
    public func close() async {
        await channels.close()
    }

    /// Runs one call with the adapter's deadline and `correlationID` (see
    /// ``AtomicServiceChannels/callOptions(correlationID:)``), reading a failed status as `Failure`.
    public func call<Response>(correlationID: String?, _ body: (CallOptions) async throws -> Response) async throws -> Response {
        try await channels.call(failingWith: Failure.self, correlationID: correlationID, body)
    }
}
