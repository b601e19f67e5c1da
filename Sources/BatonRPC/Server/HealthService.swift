import Synchronization

/// `grpc.health.v1.Health`: Check and Watch, per service name ("" is the whole server).
///
/// Register it with the server; it turns every status to NOT_SERVING when the server begins
/// to shut down. Unknown services: Check answers NOT_FOUND, Watch sends SERVICE_UNKNOWN (and
/// follows the service if it appears later).
public final class HealthService: Grpc_Health_V1_HealthHandler, RPCServerLifecycleObserver, Sendable {
    public typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

    private struct State {
        var statuses: [String: Status] = ["": .serving]
        var watchers: [Int: (service: String, continuation: AsyncStream<Status>.Continuation)] = [:]
        var nextWatcher = 0
        var shuttingDown = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Sets the status of `service` ("" for the whole server) and notifies watchers.
    public func setStatus(_ status: Status, for service: String = "") {
        let watchers = state.withLock { state -> [AsyncStream<Status>.Continuation] in
            guard !state.shuttingDown else { return [] }
            state.statuses[service] = status
            return state.watchers.values.filter { $0.service == service }.map(\.continuation)
        }
        for watcher in watchers { watcher.yield(status) }
    }

    /// The current status of `service`, nil when unknown.
    public func status(of service: String) -> Status? {
        state.withLock { $0.statuses[service] }
    }

    public func serverWillShutDown() {
        let watchers = state.withLock { state -> [AsyncStream<Status>.Continuation] in
            state.shuttingDown = true
            for key in state.statuses.keys { state.statuses[key] = .notServing }
            return state.watchers.values.map(\.continuation)
        }
        // Tell every watcher, then end their streams so shutdown is not held up by them.
        for watcher in watchers {
            watcher.yield(.notServing)
            watcher.finish()
        }
    }

    public func check(_ request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext) async throws -> Grpc_Health_V1_HealthCheckResponse {
        guard let status = status(of: request.service) else {
            throw RPCError(code: .notFound, message: "unknown service '\(request.service)'")
        }
        var response = Grpc_Health_V1_HealthCheckResponse()
        response.status = status
        return response
    }

    public func watch(
        _ request: Grpc_Health_V1_HealthCheckRequest,
        responses: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        let (updates, continuation) = AsyncStream<Status>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state -> Int in
            let id = state.nextWatcher
            state.nextWatcher += 1
            state.watchers[id] = (request.service, continuation)
            continuation.yield(state.statuses[request.service] ?? .serviceUnknown)
            return id
        }
        defer { _ = state.withLock { $0.watchers.removeValue(forKey: id) } }
        try await withTaskCancellationHandler {
            var last: Status?
            for await status in updates where status != last {
                last = status
                var response = Grpc_Health_V1_HealthCheckResponse()
                response.status = status
                try await responses.write(response)
            }
        } onCancel: {
            continuation.finish()
        }
    }
}
