import BatonAPI
import BatonRPC
import BatonServer
import BatonWorkflow
import BatonWorkflowSQLite
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The effects of the test saga's steps, by idempotency key (a repeated key has no second effect).
final class EffectLedger: Sendable {
    private let effects = Mutex<[String]>([])

    func record(_ key: String) {
        effects.withLock { if !$0.contains(key) { $0.append(key) } }
    }

    var all: [String] { effects.withLock { $0 } }
}

enum TestWorkflows {
    /// reserve → charge → ship; charge fails for good when the input says `"decline": true`.
    static func order(_ ledger: EffectLedger) -> WorkflowDefinition {
        WorkflowDefinition("order", configuration: .defaults { $0.retry = .none }) {
            StepDefinition.call("reserve", action: { c in ledger.record(c.idempotencyKey); return ["reservation": .string("R-\(c.workflowID)")] },
                                compensate: { c in ledger.record(c.idempotencyKey); return .null })
            StepDefinition.call("charge", action: { c in
                if c.input["decline"] == true { throw StepError(.failedPrecondition, "payment declined") }
                ledger.record(c.idempotencyKey)
                return .string("P-\(c.workflowID)")
            }, compensate: { c in ledger.record(c.idempotencyKey); return .null })
            StepDefinition.call("ship", action: { c in ledger.record(c.idempotencyKey); return .null })
        }
    }

    /// reserve → wait for `approved` → finish.
    static func approval(_ ledger: EffectLedger) -> WorkflowDefinition {
        WorkflowDefinition("approval") {
            StepDefinition.call("reserve", action: { c in ledger.record(c.idempotencyKey); return .null },
                                compensate: { c in ledger.record(c.idempotencyKey); return .null })
            StepDefinition.waitForSignal("await-approval", signal: "approved", timeout: .seconds(600))
            StepDefinition.call("finish", action: { c in ledger.record(c.idempotencyKey); return c.outputs["await-approval"] ?? .null })
        }
    }

    /// A listener that starts `order` for every OrderCreated event, keyed by the order id.
    struct StartsOrders: DomainEventListener {
        let name = "starts-orders"
        let eventTypes: Set<String> = ["OrderCreated"]
        func handle(_ event: DomainEvent, engine: WorkflowEngine) async throws {
            try await engine.start(type: "order", id: "order-\(event.correlationID ?? event.id)", input: event.payload, correlationID: event.correlationID)
        }
    }
}

/// A coordination server on 127.0.0.1 with a SQLite store in a fresh temporary file, and a client.
/// It hosts the test workflows and any `orchestrators` given (e.g. a real orchestrator on its
/// in-memory adapter).
struct TestServer {
    let server: BatonCoordinationServer
    /// The connection the typed clients share.
    let client: RPCClient
    let workflows: Baton_Coordination_V1_WorkflowServiceClient
    let events: Baton_Coordination_V1_EventServiceClient
    let ledger: EffectLedger
    let storePath: String

    static func with<Result: Sendable>(
        orchestrators: [HostedOrchestrator] = [],
        _ body: (TestServer) async throws -> Result
    ) async throws -> Result {
        let ledger = EffectLedger()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let storePath = directory.appendingPathComponent("baton.sqlite").path
        let server = try BatonCoordinationServer(
            orchestrators: [
                HostedOrchestrator(
                    name: "test",
                    workflows: [TestWorkflows.order(ledger), TestWorkflows.approval(ledger)],
                    listeners: [TestWorkflows.StartsOrders()]
                )
            ] + orchestrators,
            store: try SQLiteWorkflowStore(path: storePath)
        )
        let services = ServiceGroup(
            configuration: .init(services: server.services.map { .init(service: $0) }, logger: Logger(label: "test"))
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            let port = try await server.rpcServer.listeningAddress.port!
            let client = RPCClient(host: "127.0.0.1", port: port)
            let test = TestServer(
                server: server,
                client: client,
                workflows: .init(client),
                events: .init(client),
                ledger: ledger,
                storePath: storePath
            )
            do {
                let result = try await body(test)
                await client.close()
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                await client.close()
                await services.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    @discardableResult
    func start(_ type: String, id: String = "", input: String = "", correlationID: String = "") async throws
        -> Baton_Coordination_V1_StartWorkflowResponse
    {
        var request = Baton_Coordination_V1_StartWorkflowRequest()
        request.workflowType = type
        request.workflowID = id
        request.inputJson = input
        request.correlationID = correlationID
        return try await workflows.startWorkflow(request)
    }

    func get(_ id: String) async throws -> Baton_Coordination_V1_Workflow {
        var request = Baton_Coordination_V1_GetWorkflowRequest()
        request.workflowID = id
        return try await workflows.getWorkflow(request)
    }

    /// Polls GetWorkflow until `done` holds (the server runs workflows on its own time).
    func waitFor(_ id: String, _ done: (Baton_Coordination_V1_Workflow) -> Bool) async throws -> Baton_Coordination_V1_Workflow {
        for _ in 0..<500 {
            let workflow = try await get(id)
            if done(workflow) { return workflow }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw RPCError(code: .deadlineExceeded, message: "workflow \(id) did not get there in 5 s")
    }

    func finished(_ id: String) async throws -> Baton_Coordination_V1_Workflow {
        try await waitFor(id) { $0.finishedAtMs > 0 }
    }
}

extension RPCError.Code {
    static func of(_ error: any Error) -> RPCError.Code? { (error as? RPCError)?.code }
}
