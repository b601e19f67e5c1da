import BatonAtomicAPI
import BatonRPC
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
            var hasDeadline: Bool
        }
        let calls = Mutex<[Call]>([])

        func record(_ context: ServerContext, _ key: String) {
            let call = Call(
                method: context.method.method, idempotencyKey: key,
                correlationID: context.requestMetadata[string: AtomicMetadata.correlationID], hasDeadline: context.deadline != nil)
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

    @Test("every call carries the idempotency key, a grpc-timeout and the user id as x-correlation-id (undo calls too)")
    func callMetadata() async throws {
        let sessions = RecordingSessions()
        let server = RPCServer(services: [sessions])
        let running = Task { try await server.run() }
        let port = try #require(try await server.listeningAddress.port)
        let adapter = IdentityOperationsAdapters.rpc(endpoints: [.init(host: "127.0.0.1", port: port)])
        let session = try await adapter.createSession(userID: "u-7", tenantID: "acme", idempotencyKey: "k-create")
        let error = await #expect(throws: IdentityOperationsError.self) {
            try await adapter.revokeSession(sessionID: session.sessionID, idempotencyKey: "k-revoke")
        }
        #expect(error?.code == .alreadyUndone)
        await adapter.close()
        server.beginGracefulShutdown()
        try await running.value
        let calls = sessions.calls.withLock { $0 }
        #expect(calls.map(\.method) == ["CreateSession", "RevokeSession"])
        #expect(calls.map(\.idempotencyKey) == ["k-create", "k-revoke"])
        #expect(calls.map(\.correlationID) == ["u-7", "u-7"])
        #expect(calls.allSatisfy { $0.hasDeadline })
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
