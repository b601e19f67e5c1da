public import BatonProtobuf
import Logging
public import ServiceLifecycle
import Synchronization

/// Calls one service on several endpoints: round-robin over the endpoints that are healthy and
/// whose circuit breaker is closed (or half-open and probing).
///
/// Run it as a `Service` to health-check every endpoint (`grpc.health.v1.Health/Check` for
/// ``Configuration/healthCheckService``) every ``Configuration/healthCheckInterval``; an endpoint
/// whose check fails is skipped until a check passes, as long as another endpoint passes: when
/// every endpoint fails its check, calls go to them all the same (fail open), since a service
/// too busy to answer its health check in time usually still answers calls, and refusing every
/// call would turn its slowness into an outage. Each endpoint has its own
/// ``CircuitBreaker``, fed by the outcome of every call: statuses in
/// ``Configuration/failureCodes`` (the service is in trouble) count as failures, business
/// refusals (`FAILED_PRECONDITION`, `NOT_FOUND`, …) as successes; an endpoint that is really down
/// thus opens its circuit after a few calls. With every circuit open a call fails at once with
/// `UNAVAILABLE` saying why.
public final class LoadBalancedRPCClient: RPCCaller, Service {
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Parses `HOST:PORT`.
        public init?(_ text: String) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535) ~= port else {
                return nil
            }
            self.init(host: String(text[..<colon]), port: port)
        }

        public var description: String { "\(host):\(port)" }
    }

    public struct Configuration: Sendable {
        public var breaker: CircuitBreaker.Configuration = .defaults
        /// The service name health checks ask about ("" is the whole server).
        public var healthCheckService = ""
        public var healthCheckInterval: Duration = .seconds(2)
        public var healthCheckTimeout: Duration = .seconds(1)
        /// Statuses that count against an endpoint's breaker.
        public var failureCodes: Set<RPCError.Code> = [.unavailable, .deadlineExceeded, .internal, .unknown, .resourceExhausted]
        public var client: RPCClient.Configuration = .defaults

        public init() {}
        public static var defaults: Configuration { Configuration() }
        public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
            var configuration = Configuration()
            configure(&configuration)
            return configuration
        }
    }

    /// What the balancer knows of one endpoint.
    public struct EndpointStatus: Sendable, Hashable {
        public var endpoint: Endpoint
        public var healthy: Bool
        public var breaker: CircuitBreaker.State
        /// Why the last health check failed, if it did.
        public var lastHealthError: String?
    }

    private struct EndpointState {
        var breaker: CircuitBreaker
        var healthy = true
        var lastHealthError: String?
    }

    public let endpoints: [Endpoint]
    public let configuration: Configuration
    private let clients: [RPCClient]
    private let state: Mutex<(next: Int, endpoints: [EndpointState])>
    private let logger: Logger

    public init(endpoints: [Endpoint], configuration: Configuration = .defaults, logger: Logger = Logger(label: "baton.rpc.balancer")) {
        precondition(!endpoints.isEmpty, "a load-balanced client needs at least one endpoint")
        self.endpoints = endpoints
        self.configuration = configuration
        self.clients = endpoints.map { RPCClient(host: $0.host, port: $0.port, configuration: configuration.client) }
        self.state = Mutex((0, endpoints.map { _ in EndpointState(breaker: CircuitBreaker(configuration: configuration.breaker)) }))
        self.logger = logger
    }

    /// The current view of every endpoint.
    public var status: [EndpointStatus] {
        state.withLock { state in
            zip(endpoints, state.endpoints).map {
                EndpointStatus(endpoint: $0, healthy: $1.healthy, breaker: $1.breaker.state, lastHealthError: $1.lastHealthError)
            }
        }
    }

    /// Health-checks the endpoints until graceful shutdown or cancellation, then closes the connections.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.checkHealth()
                try? await Task.sleep(for: self.configuration.healthCheckInterval)
            }
        }
        for client in clients { await client.close() }
    }

    /// Checks every endpoint once, concurrently.
    public func checkHealth() async {
        await withTaskGroup(of: (Int, String?).self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    var request = Grpc_Health_V1_HealthCheckRequest()
                    request.service = self.configuration.healthCheckService
                    do {
                        let response = try await Grpc_Health_V1_HealthClient(client)
                            .check(request, options: CallOptions(timeout: self.configuration.healthCheckTimeout))
                        return (index, response.status == .serving ? nil : "status \(response.status)")
                    } catch {
                        return (index, "\(error)")
                    }
                }
            }
            for await (index, failure) in group {
                let changed = state.withLock { state -> Bool in
                    let was = state.endpoints[index].healthy
                    state.endpoints[index].healthy = failure == nil
                    state.endpoints[index].lastHealthError = failure
                    return was != (failure == nil)
                }
                if changed {
                    logger.info(
                        failure == nil ? "endpoint healthy again" : "endpoint failed its health check",
                        metadata: ["endpoint": "\(endpoints[index])", "error": "\(failure ?? "")"]
                    )
                }
            }
        }
    }

    public func close() async {
        for client in clients { await client.close() }
    }

    // MARK: RPCCaller

    public func unary<Request: ProtobufMessage, Response: ProtobufMessage>(
        _ method: MethodDescriptor,
        request: Request,
        responseType: Response.Type,
        options: CallOptions
    ) async throws -> RPCResponse<Response> {
        try await withEndpoint(method) { try await $0.unary(method, request: request, responseType: responseType, options: options) }
    }

    public func serverStreaming<Request: ProtobufMessage, Response: ProtobufMessage, Result: Sendable>(
        _ method: MethodDescriptor,
        request: Request,
        responseType: Response.Type,
        options: CallOptions,
        handler: (RPCResponseStream<Response>) async throws -> Result
    ) async throws -> Result {
        try await withEndpoint(method) {
            try await $0.serverStreaming(method, request: request, responseType: responseType, options: options, handler: handler)
        }
    }

    public func clientStreaming<Request: ProtobufMessage, Response: ProtobufMessage>(
        _ method: MethodDescriptor,
        requestType: Request.Type,
        responseType: Response.Type,
        options: CallOptions,
        requests: (RPCRequestWriter<Request>) async throws -> Void
    ) async throws -> RPCResponse<Response> {
        try await withEndpoint(method) {
            try await $0.clientStreaming(method, requestType: requestType, responseType: responseType, options: options, requests: requests)
        }
    }

    public func bidirectionalStreaming<Request: ProtobufMessage, Response: ProtobufMessage, Result: Sendable>(
        _ method: MethodDescriptor,
        requestType: Request.Type,
        responseType: Response.Type,
        options: CallOptions,
        handler: (RPCRequestWriter<Request>, RPCResponseStream<Response>) async throws -> Result
    ) async throws -> Result {
        try await withEndpoint(method) {
            try await $0.bidirectionalStreaming(method, requestType: requestType, responseType: responseType, options: options, handler: handler)
        }
    }

    /// Picks the next available endpoint, runs the call there and feeds its breaker.
    private func withEndpoint<Result>(_ method: MethodDescriptor, _ call: (RPCClient) async throws -> Result) async throws -> Result {
        let now = ContinuousClock.now
        let picked = state.withLock { state -> Int? in
            // Healthy endpoints first; when none passes its health check, any (fail open).
            let failOpen = !state.endpoints.contains(where: \.healthy)
            for offset in 0..<state.endpoints.count {
                let index = (state.next + offset) % state.endpoints.count
                guard state.endpoints[index].healthy || failOpen, state.endpoints[index].breaker.acquire(now: now) else { continue }
                state.next = (index + 1) % state.endpoints.count
                return index
            }
            return nil
        }
        guard let index = picked else {
            let reasons = status.map { endpoint -> String in
                if !endpoint.healthy { return "\(endpoint.endpoint) failed its health check (\(endpoint.lastHealthError ?? "unknown"))" }
                return "\(endpoint.endpoint) circuit open"
            }
            throw RPCError(code: .unavailable, message: "no endpoint available for \(method): " + reasons.joined(separator: "; "))
        }
        do {
            let result = try await call(clients[index])
            record(index, success: true)
            return result
        } catch let error as RPCError {
            record(index, success: !configuration.failureCodes.contains(error.code) || error.code == .cancelled)
            throw error
        } catch {
            record(index, success: true)  // the caller's own error (e.g. cancellation), not the endpoint's
            throw error
        }
    }

    private func record(_ index: Int, success: Bool) {
        let now = ContinuousClock.now
        let opened = state.withLock { state -> Bool in
            let wasClosed = state.endpoints[index].breaker.state == .closed
            state.endpoints[index].breaker.record(success: success, now: now)
            if case .open = state.endpoints[index].breaker.state { return wasClosed }
            return false
        }
        if opened { logger.warning("circuit opened", metadata: ["endpoint": "\(endpoints[index])"]) }
    }
}
