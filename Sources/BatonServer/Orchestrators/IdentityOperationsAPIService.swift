import BatonAPI
import BatonRPC
import BatonWorkflow
import IdentityOperations

/// `baton.identity_operations.v1.IdentityOperations`: the identity workflows with typed input,
/// and the session coordinator.
public final class IdentityOperationsAPIService: Baton_IdentityOperations_V1_IdentityOperationsHandler, Sendable {
    public typealias Started = Baton_IdentityOperations_V1_WorkflowStarted

    private let orchestrator: IdentityOperationsOrchestrator
    private let engine: WorkflowEngine

    public init(orchestrator: IdentityOperationsOrchestrator, engine: WorkflowEngine) {
        self.orchestrator = orchestrator
        self.engine = engine
    }

    public func registerUser(_ request: Baton_IdentityOperations_V1_RegisterUserRequest, context: ServerContext) async throws -> Started {
        let registration = RegisterUserRequest(
            email: request.email,
            displayName: request.displayName,
            tenantID: request.tenantID,
            role: request.role,
            requestedBy: request.requestedBy
        )
        return try await workflowStarted { try await orchestrator.registerUser(registration, engine: engine) }
    }

    public func offboardUser(_ request: Baton_IdentityOperations_V1_OffboardUserRequest, context: ServerContext) async throws -> Started {
        try requireField(request.userID, "user_id")
        let offboarding = OffboardUserRequest(userID: request.userID, requestedBy: request.requestedBy, reason: request.reason)
        return try await workflowStarted { try await orchestrator.offboardUser(offboarding, engine: engine) }
    }

    public func enableMfa(_ request: Baton_IdentityOperations_V1_EnableMfaRequest, context: ServerContext) async throws -> Started {
        try requireField(request.userID, "user_id")
        return try await workflowStarted { try await orchestrator.enableMfa(EnableMfaRequest(userID: request.userID), engine: engine) }
    }

    public func verifyMfa(_ request: Baton_IdentityOperations_V1_VerifyMfaRequest, context: ServerContext) async throws -> Started {
        try requireField(request.userID, "user_id")
        try requireField(request.code, "code")
        return try await workflowStarted { try await orchestrator.verifyMfa(userID: request.userID, code: request.code, engine: engine) }
    }

    public func issueSession(_ request: Baton_IdentityOperations_V1_IssueSessionRequest, context: ServerContext) async throws
        -> Baton_IdentityOperations_V1_Session
    {
        try requireField(request.userID, "user_id")
        try requireField(request.tenantID, "tenant_id")
        try requireField(request.idempotencyKey, "idempotency_key")
        let issue = IssueSessionRequest(userID: request.userID, tenantID: request.tenantID, mfaCode: request.mfaCode.isEmpty ? nil : request.mfaCode)
        return try await mappingErrors {
            let session = try await orchestrator.issueSession(issue, idempotencyKey: request.idempotencyKey)
            var response = Baton_IdentityOperations_V1_Session()
            response.sessionID = session.sessionID
            response.token = session.token
            response.userID = session.userID
            response.tenantID = session.tenantID
            return response
        }
    }

    public func revokeSessions(_ request: Baton_IdentityOperations_V1_RevokeSessionsRequest, context: ServerContext) async throws
        -> Baton_IdentityOperations_V1_RevokeSessionsResponse
    {
        try requireField(request.userID, "user_id")
        try requireField(request.idempotencyKey, "idempotency_key")
        return try await mappingErrors {
            var response = Baton_IdentityOperations_V1_RevokeSessionsResponse()
            response.revoked = Int32(clamping: try await orchestrator.revokeSessions(
                userID: request.userID, reason: request.reason, idempotencyKey: request.idempotencyKey
            ))
            return response
        }
    }
}

extension HostedOrchestrator {
    /// IdentityOperations: RegisterUser, OffboardUser and EnableMfa, the session coordinator, the
    /// UserDeactivated listener and its typed API.
    public static func identityOperations(_ orchestrator: IdentityOperationsOrchestrator) -> HostedOrchestrator {
        HostedOrchestrator(name: "IdentityOperations", workflows: orchestrator.workflows, listeners: orchestrator.listeners) { engine in
            [IdentityOperationsAPIService(orchestrator: orchestrator, engine: engine)]
        }
    }
}
