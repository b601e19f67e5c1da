import BatonAtomicAPI
import BatonRPC
import BatonWorkflow
import BatonReferenceServicesTesting
import IdentityOperations
import IdentityOperationsRPC
import Synchronization
import Testing

/// What the IdentityOperations RPC adapter puts on the wire and how it reads statuses back.
@Suite("IdentityOperations RPC adapter on the wire")
struct IdentityOperationsRPCAdapterTests {
    /// A session service that records each call's metadata and deadline, and answers
    /// RevokeSession with FAILED_PRECONDITION / ALREADY_UNDONE.
    final class RecordingSessions: Baton_Atomic_Session_V1_SessionServiceHandler {
        struct Call: Sendable, Equatable {
            var method: String
            var idempotencyKey: String
            var correlationID: String?
            /// Time left until the received deadline, when the call arrived.
            var timeLeft: Duration?
            var hasDeadline: Bool { timeLeft != nil }
        }
        let calls = Mutex<[Call]>([])

        func record(_ context: ServerContext, _ key: String) {
            let call = Call(
                method: context.method.method, idempotencyKey: key,
                correlationID: context.requestMetadata[string: AtomicMetadata.correlationID],
                timeLeft: context.deadline.map { ContinuousClock.now.duration(to: $0) })
            calls.withLock { $0.append(call) }
        }

        func createSession(_ request: Baton_Atomic_Session_V1_CreateSessionRequest, context: ServerContext) async throws
            -> Baton_Atomic_Session_V1_Session
        {
            record(context, request.idempotencyKey)
            var session = Baton_Atomic_Session_V1_Session()
            session.sessionID = "ses-9"
            session.token = "t"
            session.userID = request.userID
            session.tenantID = request.tenantID
            return session
        }

        func revokeSession(_ request: Baton_Atomic_Session_V1_RevokeSessionRequest, context: ServerContext) async throws
            -> Baton_Atomic_Session_V1_RevokeSessionResponse
        {
            record(context, request.idempotencyKey)
            throw IdentityOperationsError(.alreadyUndone, "revoked before").rpcError
        }

        func revokeAllSessions(_ request: Baton_Atomic_Session_V1_RevokeAllSessionsRequest, context: ServerContext) async throws
            -> Baton_Atomic_Session_V1_RevokeAllSessionsResponse
        { .init() }

        func listActiveSessions(_ request: Baton_Atomic_Session_V1_ListActiveSessionsRequest, context: ServerContext) async throws
            -> Baton_Atomic_Session_V1_ListActiveSessionsResponse
        { .init() }
    }

    /// Runs `body` against an adapter on a recording session service; answers what it received.
    static func recording(
        _ configuration: IdentityOperationsAdapters.RPC.Configuration = .defaults,
        _ body: (IdentityOperationsAdapters.RPC) async throws -> Void
    ) async throws -> [RecordingSessions.Call] {
        let sessions = RecordingSessions()
        let server = RPCServer(services: [sessions])
        let running = Task { try await server.run() }
        let port = try #require(try await server.listeningAddress.port)
        let adapter = IdentityOperationsAdapters.rpc(endpoints: [.init(host: "127.0.0.1", port: port)], configuration: configuration)
        do {
            try await body(adapter)
        } catch {
            Issue.record(error)
        }
        await adapter.close()
        server.beginGracefulShutdown()
        try await running.value
        return sessions.calls.withLock { $0 }
    }

    /// The context of a step with `timeRemaining` left, in a workflow correlated by `wf-corr`.
    static func step(timeRemaining: Duration?) -> StepContext {
        StepContext(
            workflowID: "wf-1", workflowType: "T", stepName: "s", attempt: 1, idempotencyKey: "k", isCompensation: false,
            input: .null, outputs: [:], correlationID: "wf-corr", timeRemaining: timeRemaining)
    }

    @Test("every call carries the idempotency key, a grpc-timeout and the user id as x-correlation-id (undo calls too)")
    func callMetadata() async throws {
        let calls = try await Self.recording { adapter in
            let session = try await adapter.createSession(userID: "u-7", tenantID: "acme", idempotencyKey: "k-create")
            let error = await #expect(throws: IdentityOperationsError.self) {
                try await adapter.revokeSession(sessionID: session.sessionID, idempotencyKey: "k-revoke")
            }
            #expect(error?.code == .alreadyUndone)
        }
        #expect(calls.map(\.method) == ["CreateSession", "RevokeSession"])
        #expect(calls.map(\.idempotencyKey) == ["k-create", "k-revoke"])
        #expect(calls.map(\.correlationID) == ["u-7", "u-7"])
        #expect(calls.allSatisfy { $0.hasDeadline })
    }

    @Test("inside a step, grpc-timeout is the earlier of the configured timeout and the step's time remaining")
    func stepDeadline() async throws {
        let calls = try await Self.recording(.defaults { $0.timeout = .seconds(5) }) { adapter in
            _ = try await StepContext.$current.withValue(Self.step(timeRemaining: .milliseconds(800))) {
                try await adapter.createSession(userID: "u-7", tenantID: "acme", idempotencyKey: "k-1")
            }
            _ = try await StepContext.$current.withValue(Self.step(timeRemaining: .seconds(60))) {
                try await adapter.createSession(userID: "u-7", tenantID: "acme", idempotencyKey: "k-2")
            }
            _ = try await StepContext.$current.withValue(Self.step(timeRemaining: nil)) {
                try await adapter.createSession(userID: "u-7", tenantID: "acme", idempotencyKey: "k-3")
            }
        }
        let left = calls.compactMap(\.timeLeft)
        try #require(left.count == 3)
        #expect(left[0] <= .milliseconds(800) && left[0] > .milliseconds(300), "the step's 800 ms, not the configured 5 s")
        #expect(left[1] <= .seconds(5) && left[1] > .seconds(4), "the configured 5 s, earlier than the step's 60 s")
        #expect(left[2] <= .seconds(5) && left[2] > .seconds(4), "the configured 5 s when the step has no deadline")
    }

    @Test("inside a step, x-correlation-id is the workflow's correlation id")
    func stepCorrelationID() async throws {
        let calls = try await Self.recording { adapter in
            _ = try await StepContext.$current.withValue(Self.step(timeRemaining: nil)) {
                try await adapter.createSession(userID: "u-7", tenantID: "acme", idempotencyKey: "k-1")
            }
            _ = try await adapter.createSession(userID: "u-7", tenantID: "acme", idempotencyKey: "k-2")
        }
        #expect(calls.map(\.correlationID) == ["wf-corr", "u-7"])
    }

    @Test("statuses map to IdentityOperationsError and back, refusals by their baton-error-reason")
    func statusMapping() {
        let cases: [(IdentityOperationsError.Code, RPCError.Code)] = [
            (.userDisabled, .failedPrecondition), (.invalidCode, .failedPrecondition), (.alreadyUndone, .failedPrecondition),
            (.notFound, .notFound), (.alreadyExists, .alreadyExists), (.invalidArgument, .invalidArgument),
            (.unavailable, .unavailable), (.timeout, .deadlineExceeded),
        ]
        for (code, status) in cases {
            let wire = IdentityOperationsError(code, "m").rpcError
            #expect(wire.code == status, "\(code)")
            #expect(IdentityOperationsError(wire).code == code, "\(code)")
        }
        #expect(IdentityOperationsError(.invalidCode, "m").rpcError.metadata[string: AtomicMetadata.errorReason] == "INVALID_CODE")
        let exhausted = IdentityOperationsError(RPCError(code: .resourceExhausted, message: "busy"))
        #expect(exhausted.code.stepCode == .resourceExhausted)
    }

    @Test("a stopped identity service is a retryable UNAVAILABLE; x-baton-fault fails one call with no effect")
    func unavailableAndInjected() async throws {
        let services = try await RunningReferenceServices.started()
        let client = RPCClient(host: "127.0.0.1", port: services.port)
        var request = Baton_Atomic_Identity_V1_CreateUserRequest()
        request.email = "ada@example.com"
        request.idempotencyKey = "k-1"
        let users = Baton_Atomic_Identity_V1_UserServiceClient(client)
        let injected = await #expect(throws: RPCError.self) {
            _ = try await users.createUser(request, options: CallOptions(metadata: [AtomicMetadata.fault: .string("USER_DISABLED")]))
        }
        #expect(injected?.code == .failedPrecondition)
        #expect(injected?.metadata[string: AtomicMetadata.errorReason] == "USER_DISABLED")
        #expect(services.references.identity.effects(of: .createUser) == 0)
        _ = try await users.createUser(request)
        #expect(services.references.identity.effects(of: .createUser) == 1)
        await client.close()
        let adapter = services.identityAdapter()
        await services.stop()
        let error = await #expect(throws: IdentityOperationsError.self) {
            _ = try await adapter.user(id: "usr-1")
        }
        #expect(error?.code == .unavailable)
        #expect(error?.code.stepCode == .unavailable)
        await adapter.close()
    }
}
