import BatonAPI
import BatonRPC
import BatonWorkflow
import Foundation

/// `baton.coordination.v1.WorkflowService`: the lifecycle of any workflow the engine hosts.
///
/// Every request is validated before the engine sees it; the engine's errors become their gRPC
/// statuses (unknown workflow or type → NOT_FOUND, illegal transition → FAILED_PRECONDITION,
/// malformed input → INVALID_ARGUMENT), and a refused request changes nothing in the store.
public final class WorkflowAPIService: Baton_Coordination_V1_WorkflowServiceHandler, Sendable {
    /// The largest page ListWorkflows returns.
    public static let maxPageSize = 1000
    static let defaultPageSize = 50
    /// The most a ListWorkflows page holds, in bytes of protobuf: 3 MiB, under the 4 MiB that
    /// gRPC clients accept by default.
    static let maxPageBytes = 3 << 20

    private let engine: WorkflowEngine
    private let events: InMemoryWorkflowEventBus
    private let clock: any WorkflowClock

    public init(engine: WorkflowEngine, events: InMemoryWorkflowEventBus, clock: any WorkflowClock = SystemWorkflowClock()) {
        self.engine = engine
        self.events = events
        self.clock = clock
    }

    public func startWorkflow(
        _ request: Baton_Coordination_V1_StartWorkflowRequest,
        context: ServerContext
    ) async throws -> Baton_Coordination_V1_StartWorkflowResponse {
        guard !request.workflowType.isEmpty else {
            throw RPCError(code: .invalidArgument, message: "workflow_type is required")
        }
        guard request.version >= 0 else { throw RPCError(code: .invalidArgument, message: "version must not be negative") }
        let input = try APIConversions.value(fromJSON: request.inputJson, field: "input_json")
        guard !request.metadata.keys.contains("") else {
            throw RPCError(code: .invalidArgument, message: "metadata keys must not be empty")
        }
        let id = request.workflowID.isEmpty ? UUID().uuidString.lowercased() : request.workflowID
        return try await mappingErrors {
            let (snapshot, created) = try await engine.startReportingCreation(
                type: request.workflowType,
                id: id,
                input: input,
                correlationID: request.correlationID.isEmpty ? nil : request.correlationID,
                metadata: request.metadata,
                version: request.version == 0 ? nil : Int(request.version)
            )
            var response = Baton_Coordination_V1_StartWorkflowResponse()
            response.workflowID = snapshot.id
            response.status = APIConversions.status(snapshot.status)
            response.created = created
            return response
        }
    }

    public func getWorkflow(_ request: Baton_Coordination_V1_GetWorkflowRequest, context: ServerContext) async throws
        -> Baton_Coordination_V1_Workflow
    {
        let id = try Self.requireID(request.workflowID)
        return try await mappingErrors { workflow(try await engine.snapshot(id: id)) }
    }

    public func listWorkflows(_ request: Baton_Coordination_V1_ListWorkflowsRequest, context: ServerContext) async throws
        -> Baton_Coordination_V1_ListWorkflowsResponse
    {
        guard (0...Int32(Self.maxPageSize)).contains(request.pageSize) else {
            throw RPCError(code: .invalidArgument, message: "page_size must be between 0 and \(Self.maxPageSize)")
        }
        let offset: Int
        if request.pageToken.isEmpty {
            offset = 0
        } else if let decoded = Int(request.pageToken), decoded >= 0 {
            offset = decoded
        } else {
            throw RPCError(code: .invalidArgument, message: "page_token '\(request.pageToken)' is not one this server issued")
        }
        let pageSize = request.pageSize == 0 ? Self.defaultPageSize : Int(request.pageSize)
        let query = WorkflowQuery(
            status: try APIConversions.status(request.status),
            type: request.workflowType.isEmpty ? nil : request.workflowType,
            correlationID: request.correlationID.isEmpty ? nil : request.correlationID,
            limit: pageSize,
            offset: offset
        )
        return try await mappingErrors {
            let page = try await engine.list(query)
            let total = try await engine.count(query)
            var response = Baton_Coordination_V1_ListWorkflowsResponse()
            // A page stops short of maxPageBytes, so that it fits a client's default limit on a
            // message (4 MiB) whatever the workflows hold; next_page_token goes on from there.
            var bytes = 0
            for snapshot in page {
                let message = workflow(snapshot)
                let size = message.withLowered { $0.packedSize } + 10  // with its tag and length
                if !response.workflows.isEmpty, bytes + size > Self.maxPageBytes { break }
                response.workflows.append(message)
                bytes += size
            }
            let listed = response.workflows.count
            response.total = Int64(total)
            if offset + listed < total, listed > 0 { response.nextPageToken = String(offset + listed) }
            return response
        }
    }

    public func cancelWorkflow(_ request: Baton_Coordination_V1_CancelWorkflowRequest, context: ServerContext) async throws
        -> Baton_Coordination_V1_CancelWorkflowResponse
    {
        let id = try Self.requireID(request.workflowID)
        let reason = request.initiatedBy.isEmpty ? request.reason : "\(request.reason) (by \(request.initiatedBy))"
        return try await mappingErrors {
            var response = Baton_Coordination_V1_CancelWorkflowResponse()
            response.compensations = try await engine.cancel(id: id, reason: reason)
            return response
        }
    }

    public func pauseWorkflow(_ request: Baton_Coordination_V1_PauseWorkflowRequest, context: ServerContext) async throws
        -> Baton_Coordination_V1_Workflow
    {
        let id = try Self.requireID(request.workflowID)
        return try await mappingErrors { workflow(try await engine.pause(id: id)) }
    }

    public func resumeWorkflow(_ request: Baton_Coordination_V1_ResumeWorkflowRequest, context: ServerContext) async throws
        -> Baton_Coordination_V1_Workflow
    {
        let id = try Self.requireID(request.workflowID)
        return try await mappingErrors { workflow(try await engine.resume(id: id)) }
    }

    public func signalWorkflow(_ request: Baton_Coordination_V1_SignalWorkflowRequest, context: ServerContext) async throws
        -> Baton_Coordination_V1_Workflow
    {
        guard !request.signal.isEmpty else { throw RPCError(code: .invalidArgument, message: "signal is required") }
        let payload = try APIConversions.value(fromJSON: request.payloadJson, field: "payload_json")
        return try await mappingErrors {
            let id: String
            switch request.target {
            case .workflowID(let workflowID)? where !workflowID.isEmpty:
                id = workflowID
            case .correlationID(let correlationID)? where !correlationID.isEmpty:
                id = try await unfinishedWorkflow(correlatedBy: correlationID)
            default:
                throw RPCError(code: .invalidArgument, message: "a workflow_id or a correlation_id is required")
            }
            return workflow(try await engine.signal(id: id, name: request.signal, payload: payload))
        }
    }

    public func watchWorkflow(
        _ request: Baton_Coordination_V1_WatchWorkflowRequest,
        responses: RPCWriter<Baton_Coordination_V1_WorkflowEvent>,
        context: ServerContext
    ) async throws {
        let id = try Self.requireID(request.workflowID)
        // Subscribe first, then read the history, so no event falls between the two.
        let live = events.watch(workflowID: id)
        let (snapshot, history) = try await mappingErrors {
            (try await engine.snapshot(id: id), try await engine.history(id: id))
        }
        var last: Int64 = 0
        for event in history {
            try await responses.write(APIConversions.event(event, type: snapshot.type, correlationID: snapshot.correlationID))
            last = event.sequence
            if event.isFinal { return }
        }
        for await event in live where event.sequence > last {
            try await responses.write(APIConversions.event(event, type: snapshot.type, correlationID: snapshot.correlationID))
            last = event.sequence
            if event.isFinal { return }
        }
        if events.isClosed { throw RPCError.shuttingDown }
    }

    public func getWorkflowHistory(_ request: Baton_Coordination_V1_GetWorkflowHistoryRequest, context: ServerContext) async throws
        -> Baton_Coordination_V1_GetWorkflowHistoryResponse
    {
        let id = try Self.requireID(request.workflowID)
        return try await mappingErrors {
            let snapshot = try await engine.snapshot(id: id)
            var response = Baton_Coordination_V1_GetWorkflowHistoryResponse()
            response.events = try await engine.history(id: id).map {
                APIConversions.event($0, type: snapshot.type, correlationID: snapshot.correlationID)
            }
            return response
        }
    }

    public func getMetrics(_ request: Baton_Coordination_V1_GetMetricsRequest, context: ServerContext) async throws
        -> Baton_Coordination_V1_Metrics
    {
        let now = clock.now().nanosecondsSinceEpoch
        let dayNanoseconds: Int64 = 86_400 * 1_000_000_000
        let midnight = WorkflowInstant(nanosecondsSinceEpoch: now - now % dayNanoseconds)
        return try await mappingErrors {
            let statistics = try await engine.statistics(since: midnight)
            var metrics = Baton_Coordination_V1_Metrics()
            metrics.active = Int64(statistics.active)
            metrics.completedToday = Int64(statistics.finished[.completed] ?? 0)
            metrics.failedToday = Int64(
                (statistics.finished[.failed] ?? 0) + (statistics.finished[.timedOut] ?? 0) + (statistics.finished[.compensationFailed] ?? 0)
            )
            metrics.compensatedToday = Int64(statistics.finished[.compensated] ?? 0)
            metrics.averageCompletionSeconds = statistics.averageCompletionTime.map {
                Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18
            } ?? 0
            metrics.successRate = statistics.successRate ?? 0
            metrics.countsByType = statistics.countsByType.mapValues { Int64($0) }
            return metrics
        }
    }

    public func listWorkflowTypes(_ request: Baton_Coordination_V1_ListWorkflowTypesRequest, context: ServerContext) async throws
        -> Baton_Coordination_V1_ListWorkflowTypesResponse
    {
        var response = Baton_Coordination_V1_ListWorkflowTypesResponse()
        response.types = engine.registeredDefinitions
            .sorted { ($0.type, $0.version) < ($1.type, $1.version) }
            .map { definition in
                var type = Baton_Coordination_V1_WorkflowType()
                type.workflowType = definition.type
                type.version = Int32(clamping: definition.version)
                type.timeoutMs = APIConversions.milliseconds(definition.configuration.timeout)
                type.steps = definition.steps.map { APIConversions.stepDescription($0, configuration: definition.configuration) }
                return type
            }
        return response
    }

    // MARK: Helpers

    private func workflow(_ snapshot: WorkflowSnapshot) -> Baton_Coordination_V1_Workflow {
        APIConversions.workflow(snapshot, definition: try? engine.definition(type: snapshot.type, version: snapshot.definitionVersion))
    }

    /// The one unfinished workflow with `correlationID`.
    private func unfinishedWorkflow(correlatedBy correlationID: String) async throws -> String {
        let unfinished = try await engine.list(WorkflowQuery(correlationID: correlationID, limit: 1000)).filter { !$0.isFinished }
        guard let first = unfinished.first else {
            throw RPCError(code: .notFound, message: "no unfinished workflow with correlation id '\(correlationID)'")
        }
        guard unfinished.count == 1 else {
            throw RPCError(
                code: .failedPrecondition,
                message: "\(unfinished.count) unfinished workflows have correlation id '\(correlationID)'; signal one by workflow_id"
            )
        }
        return first.id
    }

    private static func requireID(_ id: String) throws(RPCError) -> String {
        guard !id.isEmpty else { throw RPCError(code: .invalidArgument, message: "workflow_id is required") }
        return id
    }
}
